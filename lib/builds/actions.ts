import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { getRedis } from "../redis";
import { removeBuildJob } from "../queue";
import { appendEnd, deleteLogStream } from "../log-stream";
import { getArtifactStorage } from "../artifacts/storage";
import { CANCEL_CHANNEL, cancelKey } from "@/contracts/jobs";
import { selectionSchema } from "@/contracts/selection";
import { buildJobOf, enqueueOrLeaveToReconciler } from "./enqueue";
import { Prisma } from "@/generated/prisma/client";
import { ownedBuild } from "../ownership";

/** Cancels a queued or running build; a host running it is told to kill the engine. */
export async function cancelBuild({ actor, buildId }: { actor: Actor; buildId: string }) {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, ...ownedBuild(actor) } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  const updated = await db.build.updateMany({
    where: { id: buildId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "CANCELLED", finishedAt: new Date(), failureReason: `Cancelled by ${actor.name}`, attemptTokenHash: null },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", `This build is already ${build.status.toLowerCase()}: there is nothing to cancel`);
  await signalCancel(build.id, build.arch);
  return db.build.findUniqueOrThrow({ where: { id: buildId } });
}

export async function signalCancel(buildId: string, arch: string): Promise<void> {
  try {
    const redis = getRedis();
    // The key covers a host that claims the job after the message went out; the message reaches one running it.
    await redis.set(cancelKey(buildId), "1", "EX", 24 * 3600);
    await redis.publish(CANCEL_CHANNEL, buildId);
    await removeBuildJob({ arch, buildId });
    await appendEnd(redis, buildId, "CANCELLED", "Cancelled");
  } catch (error) {
    console.warn(`build ${buildId}: cancel signal not delivered (the host's next heartbeat is told): ${(error as Error).message}`);
  }
}

/** Queues a failed or cancelled build again as a new attempt; uploads of earlier attempts are refused from now on. */
export async function retryBuild({ actor, buildId }: { actor: Actor; buildId: string }) {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, ...ownedBuild(actor) }, include: { revision: true, artifacts: true } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  if (build.status !== "FAILED" && build.status !== "CANCELLED") {
    throw new AppError("CONFLICT", `Only a failed or cancelled build can be retried; this one is ${build.status.toLowerCase()}`);
  }
  const active = await db.build.count({ where: { ...ownedBuild(actor), status: { in: ["QUEUED", "RUNNING"] } } });
  const limit = getEnv().MAX_CONCURRENT_BUILDS_PER_USER;
  if (active >= limit) throw new AppError("RATE_LIMITED", `You already have ${active} builds queued or running (the limit is ${limit})`);

  const updated = await db.build.updateMany({
    where: { id: buildId, status: build.status, attempt: build.attempt },
    data: {
      status: "QUEUED", attempt: { increment: 1 }, hostId: null, phase: "queued", progress: 0, failureReason: null,
      attemptTokenHash: null, startedAt: null, finishedAt: null, queuedAt: new Date(), result: Prisma.DbNull,
    },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", "This build changed meanwhile: reload the page");
  // A retried build starts with a fresh log and no artifacts of the failed attempt.
  const storage = getArtifactStorage();
  for (const artifact of build.artifacts) {
    await db.artifact.delete({ where: { id: artifact.id } });
    await storage.delete(artifact.storageKey).catch(() => undefined);
  }
  const redis = getRedis();
  await redis.del(cancelKey(buildId)).catch(() => undefined);
  await deleteLogStream(redis, buildId).catch(() => undefined);
  await removeBuildJob({ arch: build.arch, buildId }).catch(() => undefined);
  const fresh = await db.build.findUniqueOrThrow({ where: { id: buildId } });
  await enqueueOrLeaveToReconciler(buildJobOf(fresh, selectionSchema.parse(build.revision.selection)));
  return fresh;
}
