import { z } from "zod";
import { buildSizesSchema, MAX_MEASURED_BYTES, type BuildSizes } from "@/contracts/build-result";
import { diffSizes, type SizeDiff } from "@/contracts/size-diff";
import type { Actor } from "../auth/actor";
import { getDb, queryRows } from "../db";
import { AppError, isAppError } from "../errors";
import { ownedBuild, ownedProfile } from "../ownership";
import { Prisma } from "@/generated/prisma/client";

/**
 * Where a build's ISO size goes and what changed since another build (docs/sizes.md). The size record is the one
 * the build host measured and the app checked (lib/builds/result-check.ts), kept in the build's result; a reused
 * build carries its source's. Results from hosts before size records (version 1) have none: `sizes` is null.
 */

/** A build as a size record: which build, of which profile, its sizes (null without one) and its profile's budget. */
export type BuildSizeRecord = {
  buildId: string;
  profileId: string;
  revisionNumber: number;
  finishedAt: Date | null;
  sizes: BuildSizes | null;
  budgetBytes: number | null;
  /** Bytes over the budget, when the ISO is bigger than it. */
  overBudgetBytes: number | null;
};

export type BuildSizeComparison = { build: BuildSizeRecord; against: BuildSizeRecord | null; diff: SizeDiff | null };

/** A build row as a size record reads it. */
type RecordRow = { id: string; finishedAt: Date | null; result: unknown; revisionNumber: number; profileId: string; sizeBudgetBytes: bigint | null };

function toRecord(row: RecordRow): BuildSizeRecord {
  const parsed = buildSizesSchema.safeParse((row.result as { sizes?: unknown } | null)?.sizes);
  const sizes = parsed.success ? parsed.data : null;
  const budgetBytes = row.sizeBudgetBytes === null ? null : Number(row.sizeBudgetBytes);
  const over = sizes && budgetBytes !== null ? sizes.compressedBytes - budgetBytes : null;
  return {
    buildId: row.id,
    profileId: row.profileId,
    revisionNumber: row.revisionNumber,
    finishedAt: row.finishedAt,
    sizes,
    budgetBytes,
    overBudgetBytes: over !== null && over > 0 ? over : null,
  };
}

/**
 * The actor's builds matching `where` as size records, newest finished first (the build page reads up to three of
 * these per view, so plain SQL: see getBuildOrThrow). `requestedById` is ownedBuild's rule, written out in SQL. The
 * order is the index's (Build_requestedById_status_finishedAt_id_idx, read backwards): with NULLS LAST it was not,
 * and finding the previous build sorted all of the person's builds (a build page took 5.9x /sign-in at 100,000).
 */
async function recordRows(actor: Actor, where: Prisma.Sql, take = 1): Promise<RecordRow[]> {
  return queryRows<RecordRow>(Prisma.sql`
    SELECT b.id, b."finishedAt", b.result, r.number AS "revisionNumber", r."profileId", p."sizeBudgetBytes"
    FROM "Build" b JOIN "ProfileRevision" r ON r.id = b."revisionId" JOIN "Profile" p ON p.id = r."profileId"
    WHERE b."requestedById" = ${ownedBuild(actor).requestedById} AND ${where}
    ORDER BY b."finishedAt" DESC, b.id DESC
    LIMIT ${take}`);
}

/** A build's size record; someone else's build is NOT_FOUND like a missing one. */
export async function getBuildSizesOrThrow({ actor, buildId }: { actor: Actor; buildId: string }): Promise<BuildSizeRecord> {
  const [row] = await recordRows(actor, Prisma.sql`b.id = ${buildId}`);
  if (!row) throw new AppError("NOT_FOUND", "No such build");
  return toRecord(row);
}

/**
 * Compares a build with `againstId`, or by default with the previous successful build of the same profile (the
 * last one that finished before it; `against` is null when there is none). A build without sizes has no diff.
 */
export async function compareBuildSizesOrThrow({
  actor,
  buildId,
  againstId,
}: {
  actor: Actor;
  buildId: string;
  againstId?: string;
}): Promise<BuildSizeComparison> {
  const build = await getBuildSizesOrThrow({ actor, buildId });
  let against: BuildSizeRecord | null;
  if (againstId) {
    const [row] = await recordRows(actor, Prisma.sql`b.id = ${againstId}`);
    if (!row) throw new AppError("NOT_FOUND", `No build ${againstId.slice(0, 64)} of yours to compare with`);
    against = toRecord(row);
  } else {
    const [row] = await recordRows(
      actor,
      Prisma.sql`b.id <> ${buildId} AND b.status = 'SUCCEEDED' AND b."finishedAt" IS NOT NULL AND r."profileId" = ${build.profileId}
        ${build.finishedAt ? Prisma.sql`AND b."finishedAt" < ${build.finishedAt}` : Prisma.empty}`,
    );
    against = row ? toRecord(row) : null;
  }
  const diff = build.sizes && against?.sizes ? diffSizes(against.sizes, build.sizes) : null;
  return { build, against, diff };
}

/**
 * What the build page shows: the comparison (with the picked build, else the profile's previous one), the actor's
 * other succeeded builds to pick from (the newest 50), and why a picked build is not there.
 */
const CANDIDATES = 50;

export async function getBuildSizePanel({ actor, buildId, againstId }: { actor: Actor; buildId: string; againstId?: string }) {
  const comparing = compareBuildSizesOrThrow({ actor, buildId, againstId })
    .then((comparison) => ({ comparison, againstProblem: undefined }))
    .catch(async (error: unknown) => {
      if (!againstId || !isAppError(error) || error.code !== "NOT_FOUND") throw error;
      return { comparison: await compareBuildSizesOrThrow({ actor, buildId }), againstProblem: error.message };
    });
  const [rows, { comparison, againstProblem }] = await Promise.all([
    queryRows<{ id: string; finishedAt: Date | null; revisionNumber: number; profile: string; machine: string }>(Prisma.sql`
      SELECT b.id, b."finishedAt", r.number AS "revisionNumber", p.name AS profile, m.name AS machine
      FROM "Build" b JOIN "ProfileRevision" r ON r.id = b."revisionId" JOIN "Profile" p ON p.id = r."profileId" JOIN "Machine" m ON m.id = p."machineId"
      WHERE b."requestedById" = ${ownedBuild(actor).requestedById} AND b.status = 'SUCCEEDED' AND b.id <> ${buildId} AND b."finishedAt" IS NOT NULL
      ORDER BY b."finishedAt" DESC, b.id DESC
      LIMIT ${CANDIDATES}`),
    comparing,
  ]);
  const candidates = rows.map((b) => ({
    id: b.id,
    label: `${b.machine} / ${b.profile} r${b.revisionNumber} · ${b.finishedAt?.toISOString().slice(0, 16).replace("T", " ") ?? ""}`,
  }));
  return againstProblem === undefined ? { comparison, candidates } : { comparison, candidates, againstProblem };
}

/** Sets (or with null clears) a profile's size budget: the ISO's bytes a build may reach before it says it is over. */
export async function setProfileSizeBudget({ actor, profileId, budgetBytes }: { actor: Actor; profileId: string; budgetBytes: number | null }) {
  if (budgetBytes !== null && (!Number.isSafeInteger(budgetBytes) || budgetBytes < 1 || budgetBytes > MAX_MEASURED_BYTES)) {
    throw new AppError("BAD_REQUEST", "A size budget is a whole number of bytes from 1 byte to 64 GiB", { budget: "Give a size from 1 byte to 64 GiB" });
  }
  const profile = await getDb().profile.findFirst({ where: { id: profileId, ...ownedProfile(actor) }, select: { id: true } });
  if (!profile) throw new AppError("NOT_FOUND", "No such profile");
  return getDb().profile.update({ where: { id: profile.id }, data: { sizeBudgetBytes: budgetBytes === null ? null : BigInt(budgetBytes) } });
}

/** The profile page's budget field: MiB as a person types it ("32", "24.5"); empty means no budget. */
export const sizeBudgetFormSchema = z.object({
  budget: z
    .string()
    .trim()
    .refine(
      (v) => v === "" || (/^\d+(\.\d+)?$/.test(v) && Number(v) > 0 && Number(v) <= 65536),
      "Give the budget in MiB (such as 32 or 24.5, at most 65536), or leave it empty for none",
    )
    .transform((v) => (v === "" ? null : Math.round(Number(v) * 1024 * 1024))),
});
