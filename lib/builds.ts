import type { Actor } from "./auth/actor";
import { inTransaction, newRowId, queryRows } from "./db";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { getChannelOrThrow } from "./catalog";
import { buildJobOf, enqueueOrLeaveToReconciler } from "./builds/enqueue";
import { selectionSchema, validateSelection, selectionHash } from "@/contracts/selection";
import { Prisma, type Build } from "@/generated/prisma/client";
import { enforceBuildRateLimit } from "./rate-limit";
import { ownedBuild, ownedMachine } from "./ownership";

export { getBuildOrThrow, listBuilds } from "./builds/queries";
export { cancelBuild, retryBuild } from "./builds/actions";
export { buildJobOf, enqueueOrLeaveToReconciler };

/** What a Build click answers: the build, and whether it is queued or running (a reused build is finished at once). */
export type BuildStarted = { buildId: string; isLive: boolean };

/**
 * Queues a build of one profile revision for the actor, or resolves it at once to an ISO the actor already has
 * for the same selection on the same channel revision. A second click while one is queued returns that build.
 */
export async function createBuild({ actor, revisionId }: { actor: Actor; revisionId: string }): Promise<Build> {
  // Build is the dashboard's hottest write (the Build click waits on it): its reads and its transaction are plain SQL,
  // as Prisma's query compiler and interactive transaction cost several times the queries (docs/benchmarks.md). The
  // owner rules are ownership.ts's, written out.
  const [revision] = await queryRows<{ selection: unknown; channel: string; arch: string }>(Prisma.sql`
    SELECT r.selection, p.channel, m.arch
    FROM "ProfileRevision" r JOIN "Profile" p ON p.id = r."profileId" JOIN "Machine" m ON m.id = p."machineId"
    WHERE r.id = ${revisionId} AND m."ownerId" = ${ownedMachine(actor).ownerId}`);
  // Only the owner builds a revision: a shared profile is read through its link, and imported to be built.
  if (!revision) {
    throw new AppError("NOT_FOUND", "No such profile revision");
  }
  const parsed = selectionSchema.safeParse(revision.selection);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "This revision's selection is malformed: save the profile again");
  const selection = parsed.data;
  const channel = await getChannelOrThrow(revision.channel, { packages: selection.packages });
  const problems = validateSelection(channel.catalog, selection);
  if (problems.length > 0) {
    throw new AppError("BAD_REQUEST", `This selection cannot be built: ${problems.map((p) => p.message).join("; ")}`, { problems });
  }
  const { arch } = revision;
  const configHash = selectionHash(selection);
  await enforceBuildRateLimit({ userId: actor.id });

  const { build, enqueue } = await inTransaction(async (sql) => {
    // One actor's Build clicks are serialised, so a double click finds the first build.
    await sql(Prisma.sql`SELECT pg_advisory_xact_lock(7270002, hashtext(${actor.id}))`);
    const requestedById = ownedBuild(actor).requestedById;
    const [pending] = await sql<Build>(Prisma.sql`
      SELECT * FROM "Build" WHERE "requestedById" = ${requestedById} AND "revisionId" = ${revisionId} AND status IN ('QUEUED', 'RUNNING')
      ORDER BY "queuedAt" DESC LIMIT 1`);
    if (pending) return { build: pending, enqueue: false };

    const [source] = await sql<Build>(Prisma.sql`
      SELECT * FROM "Build" b
      WHERE b."requestedById" = ${requestedById} AND b."configHash" = ${configHash} AND b."channelRevision" = ${channel.revision}
        AND b.arch = ${arch} AND b.status = 'SUCCEEDED' AND b."finishedAt" IS NOT NULL AND b."reusedFromId" IS NULL
        AND EXISTS (SELECT 1 FROM "Artifact" a WHERE a."buildId" = b.id AND a.kind = 'ISO')
      ORDER BY b."finishedAt" DESC, b.id DESC LIMIT 1`);
    // What makes this build this build, for the reused and the queued row alike.
    const identity = Prisma.sql`${newRowId()}, ${revisionId}, ${actor.id}, ${arch}, ${channel.name}, ${channel.revision}, ${configHash}`;
    const columns = Prisma.raw(`id, "revisionId", "requestedById", arch, channel, "channelRevision", "configHash"`);
    if (source) {
      const now = new Date();
      const [reused] = await sql<Build>(Prisma.sql`
        INSERT INTO "Build" (${columns}, status, "reusedFromId", "hostId", phase, progress, result, "queuedAt", "startedAt", "finishedAt")
        VALUES (${identity}, 'SUCCEEDED', ${source.id}, ${source.hostId}, 'done', 1,
          ${source.result === null ? null : JSON.stringify(source.result)}::jsonb, ${now}, ${now}, ${now})
        RETURNING *`);
      return { build: reused!, enqueue: false };
    }

    const [{ active }] = (await sql<{ active: number }>(Prisma.sql`
      SELECT count(*)::int AS active FROM "Build" WHERE "requestedById" = ${requestedById} AND status IN ('QUEUED', 'RUNNING')`)) as [{ active: number }];
    const limit = getEnv().MAX_CONCURRENT_BUILDS_PER_USER;
    if (active >= limit) {
      throw new AppError("RATE_LIMITED", `You already have ${active} builds queued or running (the limit is ${limit}): wait for one to finish or cancel one`);
    }
    const [queued] = await sql<Build>(Prisma.sql`
      INSERT INTO "Build" (${columns}, status, phase, progress) VALUES (${identity}, 'QUEUED', 'queued', 0)
      RETURNING *`);
    return { build: queued!, enqueue: true };
  });

  if (enqueue) await enqueueOrLeaveToReconciler(buildJobOf(build));
  return build;
}
