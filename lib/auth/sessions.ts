import { getDb, queryRows } from "../db";
import { Prisma } from "@/generated/prisma/client";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import { hashPassword, verifyPassword } from "./password";
import { hashSecret, newSecret } from "./tokens";
import { z } from "zod";

export const SESSION_COOKIE = "zxcv_session";
export const SESSION_DAYS = 30;

/** The longest email address SMTP allows; longer input is refused before it is looked at. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PASSWORD_LENGTH = 200;

export const signUpSchema = z.object({
  email: z
    .string()
    .max(MAX_EMAIL_LENGTH, `An email address is at most ${MAX_EMAIL_LENGTH} characters`)
    .pipe(z.email({ message: "Enter an email address such as ada@example.org" }))
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, "Enter your name").max(100, "A name is at most 100 characters"),
  password: z.string().max(MAX_PASSWORD_LENGTH, `A password is at most ${MAX_PASSWORD_LENGTH} characters`).min(10, "A password needs at least 10 characters"),
});

export const signInSchema = z.object({
  email: z.string().max(MAX_EMAIL_LENGTH, `An email address is at most ${MAX_EMAIL_LENGTH} characters`).trim().toLowerCase().min(1, "Enter your email"),
  password: z.string().max(MAX_PASSWORD_LENGTH, `A password is at most ${MAX_PASSWORD_LENGTH} characters`).min(1, "Enter your password"),
});

/** Said for every refused sign-up with a valid form, so that sign-up does not tell whether an email has an account. */
export const SIGN_UP_REFUSED = "This account could not be created. If you already have an account with this email, sign in instead";

function toActor(user: { id: string; role: "ADMIN" | "MEMBER"; email: string; name: string }): Actor {
  return { id: user.id, role: user.role, email: user.email, name: user.name };
}

/**
 * Creates an account, a member unless `role` says admin (only the one-time setup link does: see setup.ts). The
 * password is hashed before the email is looked up, so a taken email answers no faster than a new one.
 */
export async function createUser({ role = "MEMBER", ...input }: z.input<typeof signUpSchema> & { role?: "ADMIN" | "MEMBER" }): Promise<Actor> {
  const { email, name, password } = signUpSchema.parse(input);
  const passwordHash = await hashPassword(password);
  const db = getDb();
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) throw new AppError("CONFLICT", SIGN_UP_REFUSED);
  try {
    return toActor(await db.user.create({ data: { email, name, passwordHash, role } }));
  } catch (error) {
    // Two sign-ups with one email at once: the unique index decides, with the same answer.
    if ((error as { code?: string }).code === "P2002") throw new AppError("CONFLICT", SIGN_UP_REFUSED);
    throw error;
  }
}

export async function verifyCredentials(input: z.input<typeof signInSchema>): Promise<Actor> {
  const { email, password } = signInSchema.parse(input);
  const user = await getDb().user.findUnique({ where: { email } });
  // Verify against a dummy hash when there is no user, so timing does not reveal which emails exist.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) throw new AppError("UNAUTHORIZED", "Wrong email or password");
  if (user.disabledAt) throw new AppError("FORBIDDEN", "This account is disabled: ask the dashboard's admin");
  return toActor(user);
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret("zs");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await getDb().session.create({ data: { tokenHash: hashSecret(token), userId, expiresAt } });
  return { token, expiresAt };
}

/**
 * The person of a session cookie, or null for an unknown, expired or disabled one. Every page and API call asks,
 * so it is one SQL query: Prisma's query compiler would spend several times the query's own cost on an include.
 */
export async function findSessionActor(token: string | undefined): Promise<Actor | null> {
  if (!token) return null;
  const rows = await queryRows<Actor>(Prisma.sql`
    SELECT u.id, u.role::text AS role, u.email, u.name
    FROM "Session" s JOIN "User" u ON u.id = s."userId"
    WHERE s."tokenHash" = ${hashSecret(token)} AND s."expiresAt" >= (now() AT TIME ZONE 'UTC') AND u."disabledAt" IS NULL`);
  return rows[0] ? toActor(rows[0]) : null;
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await getDb().session.deleteMany({ where: { tokenHash: hashSecret(token) } });
}
