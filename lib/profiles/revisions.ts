import { selectionSchema, type Selection } from "@/contracts/selection";
import { getChannelOrThrow } from "../catalog";
import { getDb } from "../db";
import { AppError } from "../errors";
import { isUniqueViolation } from "../names";
import { getProfileOrThrow } from "../profiles";
import { toStorableSelection } from "./selection-check";
import type { Actor } from "../auth/actor";

const MESSAGE_MAX = 200;

/** A revision as the configurator holds it (what a save or an import hands back to the browser). */
export type SavedRevision = { id: string; number: number; selection: Selection; configHash: string; message: string };

export function toSavedRevision(row: { id: string; number: number; selection: unknown; configHash: string; message: string }): SavedRevision {
  return { id: row.id, number: row.number, selection: selectionSchema.parse(row.selection), configHash: row.configHash, message: row.message };
}

/** Every revision of the profile, newest first. */
export async function listRevisions({ actor, profileId }: { actor: Actor; profileId: string }) {
  await getProfileOrThrow({ actor, profileId });
  const rows = await getDb().profileRevision.findMany({ where: { profileId }, orderBy: { number: "desc" } });
  return rows.map((row) => ({ ...row, selection: selectionSchema.parse(row.selection) }));
}

export async function getRevisionOrThrow({ actor, profileId, number }: { actor: Actor; profileId: string; number: number }) {
  await getProfileOrThrow({ actor, profileId });
  const row = await getDb().profileRevision.findUnique({ where: { profileId_number: { profileId, number } } });
  if (!row) throw new AppError("NOT_FOUND", `This profile has no revision ${number}`);
  return { ...row, selection: selectionSchema.parse(row.selection) };
}

/**
 * Saves the selection as a new immutable revision. `baseNumber` is the revision the editor started from:
 * if someone saved in between (another tab), the save is refused and nothing is written.
 */
export async function saveRevision({
  actor,
  profileId,
  baseNumber,
  selection,
  message,
}: {
  actor: Actor;
  profileId: string;
  baseNumber: number;
  selection: Selection;
  message?: string;
}) {
  const profile = await getProfileOrThrow({ actor, profileId });
  const { catalog } = await getChannelOrThrow(profile.channel, { packages: selection.packages });
  const stored = toStorableSelection(catalog, selection);
  const staleError = (latest: number) =>
    new AppError("CONFLICT", `This profile was saved elsewhere as revision ${latest}; your changes are kept in the editor — review and save again.`, {
      latestNumber: latest,
    });
  if (profile.latest.number !== baseNumber) throw staleError(profile.latest.number);
  try {
    return await getDb().$transaction(async (tx) => {
      const latest = await tx.profileRevision.findFirst({ where: { profileId }, orderBy: { number: "desc" }, select: { number: true } });
      if ((latest?.number ?? 0) !== baseNumber) throw staleError(latest?.number ?? 0);
      const revision = await tx.profileRevision.create({
        data: {
          profileId,
          number: baseNumber + 1,
          selection: stored.selection,
          configHash: stored.configHash,
          message: (message ?? "").trim().slice(0, MESSAGE_MAX),
        },
      });
      await tx.profile.update({ where: { id: profileId }, data: { updatedAt: new Date() } });
      return revision;
    });
  } catch (error) {
    // Two saves raced past the check: the unique (profileId, number) constraint lets only one through.
    if (isUniqueViolation(error)) {
      const latest = await getDb().profileRevision.findFirst({ where: { profileId }, orderBy: { number: "desc" }, select: { number: true } });
      throw staleError(latest?.number ?? baseNumber + 1);
    }
    throw error;
  }
}

/** Restoring never rewrites history: the old selection becomes the newest revision. */
export async function restoreRevision({ actor, profileId, number, baseNumber }: { actor: Actor; profileId: string; number: number; baseNumber: number }) {
  const old = await getRevisionOrThrow({ actor, profileId, number });
  return saveRevision({ actor, profileId, baseNumber, selection: old.selection, message: `Restored revision ${number}` });
}

/** The revision of the profile's most recent successful build, to show what changed since. */
export async function findLastBuiltRevision({ actor, profileId }: { actor: Actor; profileId: string }) {
  await getProfileOrThrow({ actor, profileId });
  const build = await getDb().build.findFirst({
    where: { status: "SUCCEEDED", revision: { profileId } },
    orderBy: [{ finishedAt: "desc" }, { queuedAt: "desc" }],
    include: { revision: true },
  });
  if (!build) return null;
  return { buildId: build.id, number: build.revision.number, selection: selectionSchema.parse(build.revision.selection) };
}
