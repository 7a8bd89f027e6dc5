import { z } from "zod";
import { getDb } from "./db";
import { AppError } from "./errors";
import type { Actor } from "./auth/actor";
import { hashSecret, newSecret } from "./auth/tokens";
import { apiTokenExpirySchema } from "./api-token-expiry";

export { API_TOKEN_EXPIRY_DAYS, apiTokenExpirySchema } from "./api-token-expiry";
import { ownedApiToken } from "./ownership";

export const API_TOKEN_PREFIX = "zxcv";
const MAX_TOKENS_PER_USER = 50;
// lastUsedAt is for people reading the tokens page: a minute's precision spares a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

export const apiTokenNameSchema = z
  .string()
  .trim()
  .min(1, "Give the token a name, e.g. the laptop or script that uses it")
  .max(80, "A token name is at most 80 characters");

const publicFields = { id: true, name: true, prefix: true, lastUsedAt: true, revokedAt: true, expiresAt: true, createdAt: true } as const;

export type ApiTokenInfo = {
  id: string;
  name: string;
  prefix: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
};

/** Creates a token for the actor, optionally expiring after `expiresInDays`. The plaintext is returned here once and never stored. */
export async function createApiToken({
  actor,
  name,
  expiresInDays = null,
}: {
  actor: Actor;
  name: string;
  expiresInDays?: number | null;
}): Promise<{ token: string; apiToken: ApiTokenInfo }> {
  const parsedName = apiTokenNameSchema.safeParse(name);
  if (!parsedName.success) throw new AppError("BAD_REQUEST", parsedName.error.issues[0]!.message, { name: parsedName.error.issues[0]!.message });
  const expiry = apiTokenExpirySchema.safeParse(expiresInDays);
  if (!expiry.success) throw new AppError("BAD_REQUEST", expiry.error.issues[0]!.message, { expiresInDays: expiry.error.issues[0]!.message });
  const expiresAt = expiry.data === null ? null : new Date(Date.now() + expiry.data * 24 * 3600 * 1000);
  const db = getDb();
  const active = await db.apiToken.count({ where: { ...ownedApiToken(actor), revokedAt: null } });
  if (active >= MAX_TOKENS_PER_USER) throw new AppError("CONFLICT", `You have ${active} active tokens: revoke one you no longer use first`);
  const token = newSecret(API_TOKEN_PREFIX);
  const apiToken = await db.apiToken.create({
    data: { name: parsedName.data, tokenHash: hashSecret(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 7), userId: actor.id, expiresAt },
    select: publicFields,
  });
  return { token, apiToken };
}

/** The actor's tokens, active first, newest first. Never includes a hash. */
export async function listApiTokens({ actor }: { actor: Actor }): Promise<ApiTokenInfo[]> {
  return getDb().apiToken.findMany({
    where: ownedApiToken(actor),
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: publicFields,
  });
}

/** Revokes one of the actor's tokens; it stops working on the next request. */
export async function revokeApiToken({ actor, id }: { actor: Actor; id: string }): Promise<ApiTokenInfo> {
  const db = getDb();
  const existing = await db.apiToken.findFirst({ where: { id, ...ownedApiToken(actor) }, select: publicFields });
  if (!existing) throw new AppError("NOT_FOUND", "No such token");
  if (existing.revokedAt) return existing;
  return db.apiToken.update({ where: { id }, data: { revokedAt: new Date() }, select: publicFields });
}

/** The person a bearer token acts for; a 401 that says why for an unknown, revoked, expired or disabled one. Records last use. */
export async function findApiTokenActorOrThrow(token: string): Promise<Actor> {
  const invalid = () => new AppError("UNAUTHORIZED", "This API token is not valid: it may have been revoked. Create a new one under Settings > API tokens");
  if (!token.startsWith(`${API_TOKEN_PREFIX}_`)) throw invalid();
  const db = getDb();
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabledAt) throw invalid();
  const now = new Date();
  if (row.expiresAt && row.expiresAt <= now) {
    throw new AppError("UNAUTHORIZED", `This API token expired on ${row.expiresAt.toISOString().slice(0, 10)}: create a new one under Settings > API tokens`);
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const { user } = row;
  return { id: user.id, role: user.role, email: user.email, name: user.name };
}

/** The same, or null instead of the 401. */
export async function findApiTokenActor(token: string | undefined): Promise<Actor | null> {
  if (!token) return null;
  return findApiTokenActorOrThrow(token).catch((error) => {
    if (error instanceof AppError && error.code === "UNAUTHORIZED") return null;
    throw error;
  });
}
