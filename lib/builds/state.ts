import { getDb, newRowId, queryRows } from "../db";
import { AppError } from "../errors";
import { getRedis } from "../redis";
import { appendEnd, deleteLogStream } from "../log-stream";
import { removeBuildJob } from "../queue";
import { getArtifactStorage } from "../artifacts/storage";
import { enqueueOrLeaveToReconciler } from "./enqueue";
import { Prisma, type AttemptStatus, type BuildStatus } from "@/generated/prisma/client";

/**
 * The build state machine, in one place. A build is queued, then claimed by a host (its attempt CLAIMED, the
 * build RUNNING), running (the attempt reported a phase), and ends succeeded, failed or cancelled. A failed or
 * cancelled build, or one whose host was lost, starts again as the next attempt; every attempt stays a row.
 */
const BUILD_MOVES: Record<BuildStatus, readonly BuildStatus[]> = {
  QUEUED: ["RUNNING", "CANCELLED"],
  RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED", "QUEUED"],
  SUCCEEDED: [],
  FAILED: ["QUEUED"],
  CANCELLED: ["QUEUED"],
};
const ATTEMPT_MOVES: Record<AttemptStatus, readonly AttemptStatus[]> = {
  CLAIMED: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "LOST"],
  RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED", "LOST"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
  LOST: [],
};
const ACTIVE_ATTEMPT: AttemptStatus[] = ["CLAIMED", "RUNNING"];

/** After this many attempts lost to vanished hosts a build fails instead of being retried again. */
export const MAX_ATTEMPTS = 3;

/** Whether a build may go from one status to another (the one table of allowed moves). */
export function canMoveBuild(from: BuildStatus, to: BuildStatus): boolean {
  return BUILD_MOVES[from].includes(to);
}

/** Queued or running: the build's page follows its live log, and a host may still work on it. */
export function isBuildActive(status: string): boolean {
  return status === "QUEUED" || status === "RUNNING";
}

function statusesMovingTo(to: BuildStatus): BuildStatus[] {
  return (Object.keys(BUILD_MOVES) as BuildStatus[]).filter((from) => canMoveBuild(from, to));
}

function attemptsMovingTo(to: AttemptStatus): AttemptStatus[] {
  return (Object.keys(ATTEMPT_MOVES) as AttemptStatus[]).filter((from) => ATTEMPT_MOVES[from].includes(to));
}

/** A host takes a QUEUED build: the build runs on it, and attempt `attempt` becomes a CLAIMED row with its token. */
export async function beginAttempt({ buildId, attempt, hostId, tokenHash }: { buildId: string; attempt: number; hostId: string; tokenHash: string }) {
  const now = new Date();
  // One statement, in plain SQL (lib/db.ts): a Build click's first log line waits on this claim. The build moves
  // and its attempt row is made, or neither.
  const begun = await queryRows<{ id: string }>(Prisma.sql`
    WITH moved AS (
      UPDATE "Build" SET status = 'RUNNING', "hostId" = ${hostId}, "startedAt" = ${now}, phase = 'preparing', progress = 0, "failureReason" = NULL
      WHERE id = ${buildId} AND attempt = ${attempt} AND status IN (${Prisma.join(statusesMovingTo("RUNNING"))})
      RETURNING id
    )
    INSERT INTO "BuildAttempt" (id, "buildId", number, "hostId", status, "tokenHash", "claimedAt")
    SELECT ${newRowId()}, id, ${attempt}, ${hostId}, 'CLAIMED', ${tokenHash}, ${now} FROM moved
    RETURNING id`);
  if (begun.length === 0) throw new AppError("CONFLICT", `Build ${buildId} changed while claiming it: another host took it`);
}

/**
 * A phase an attempt reports: from its first one on the attempt is RUNNING (it was CLAIMED), and the build shows the
 * phase while it is still at this attempt. One statement in plain SQL: every phase of every build comes through here.
 */
export async function recordPhase({ buildId, attempt, phase, progress }: { buildId: string; attempt: number; phase: string; progress: number }) {
  await queryRows(Prisma.sql`
    WITH started AS (
      UPDATE "BuildAttempt" SET status = 'RUNNING', "startedAt" = ${new Date()}
      WHERE "buildId" = ${buildId} AND number = ${attempt} AND status IN (${Prisma.join(attemptsMovingTo("RUNNING"))})
      RETURNING 1
    )
    UPDATE "Build" SET phase = ${phase}, progress = ${progress}
    WHERE id = ${buildId} AND attempt = ${attempt} AND status = 'RUNNING'
    RETURNING 1`);
}

/**
 * Ends the build's current attempt (or a QUEUED build, for a cancel) with a final status; the attempt's token stops
 * working (it is accepted only while the attempt is CLAIMED or RUNNING). Returns false when the build had moved on (another attempt, already finished): nothing is changed then.
 */
export async function endAttempt(options: {
  buildId: string;
  attempt: number;
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  reason?: string | null;
  result?: Prisma.InputJsonValue;
}): Promise<boolean> {
  const { buildId, attempt, status } = options;
  const now = new Date();
  const ended = await getDb().$transaction(async (tx) => {
    const moved = await tx.build.updateMany({
      where: { id: buildId, attempt, status: { in: statusesMovingTo(status) } },
      data: {
        status,
        finishedAt: now,
        failureReason: options.reason ?? null,
        ...(status === "SUCCEEDED" ? { phase: "done", progress: 1 } : {}),
        ...(options.result !== undefined ? { result: options.result } : {}),
      },
    });
    if (moved.count === 0) return false;
    await tx.buildAttempt.updateMany({
      where: { buildId, number: attempt, status: { in: attemptsMovingTo(status) } },
      data: { status, finishedAt: now, failureReason: options.reason ?? null, ...(options.result !== undefined ? { result: options.result } : {}) },
    });
    return true;
  });
  if (ended) await appendEnd(getRedis(), buildId, status, options.reason ?? "").catch(() => undefined);
  return ended;
}

/**
 * Queues a build again as its next attempt: after a failure or a cancel (Retry), or because its host was lost or
 * revoked (the running attempt is then marked LOST with `reason`). The one place a new attempt is made: the
 * earlier attempt's artifacts and live log go, its token stops working, and the job is enqueued unless
 * `enqueue` is false (a host claiming a lost build takes the new attempt at once).
 */
export async function startNextAttempt(options: { buildId: string; from: { status: BuildStatus; attempt: number }; reason: string; enqueue?: boolean }) {
  const { buildId, from } = options;
  if (!canMoveBuild(from.status, "QUEUED")) throw new AppError("CONFLICT", `A ${from.status.toLowerCase()} build cannot be queued again`);
  const now = new Date();
  const moved = await getDb().$transaction(async (tx) => {
    const updated = await tx.build.updateMany({
      where: { id: buildId, status: from.status, attempt: from.attempt },
      data: {
        status: "QUEUED",
        attempt: from.attempt + 1,
        hostId: null,
        phase: "queued",
        progress: 0,
        failureReason: null,
        startedAt: null,
        finishedAt: null,
        queuedAt: now,
        result: Prisma.DbNull,
      },
    });
    if (updated.count === 0) return null;
    await tx.buildAttempt.updateMany({
      where: { buildId, number: from.attempt, status: { in: ACTIVE_ATTEMPT } },
      data: { status: "LOST", finishedAt: now, failureReason: options.reason },
    });
    const artifacts = await tx.artifact.findMany({ where: { buildId } });
    await tx.artifact.deleteMany({ where: { buildId } });
    return { attempt: from.attempt + 1, storageKeys: artifacts.map((a) => a.storageKey) };
  });
  if (!moved) throw new AppError("CONFLICT", "This build changed meanwhile: reload the page");
  const storage = getArtifactStorage();
  for (const key of moved.storageKeys) await storage.delete(key).catch(() => undefined);
  await deleteLogStream(getRedis(), buildId).catch(() => undefined);
  if (options.enqueue !== false) {
    const build = await getDb().build.findUniqueOrThrow({ where: { id: buildId }, select: { arch: true } });
    await removeBuildJob({ arch: build.arch, buildId }).catch(() => undefined);
    await enqueueOrLeaveToReconciler({ arch: build.arch, job: { v: 2, buildId, attempt: moved.attempt } });
  }
  return moved.attempt;
}
