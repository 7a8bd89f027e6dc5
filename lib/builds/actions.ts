import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { removeBuildJob } from "../queue";
import { endAttempt, startNextAttempt } from "./state";
import { ownedBuild } from "../ownership";

/**
 * Cancels a queued or running build. A host running it learns of it from the app's next answer to it (heartbeat,
 * log lines, phase), since its attempt token stops working now.
 */
export async function cancelBuild({ actor, buildId }: { actor: Actor; buildId: string }) {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, ...ownedBuild(actor) } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  const cancelled = await endAttempt({ buildId, attempt: build.attempt, status: "CANCELLED", reason: `Cancelled by ${actor.name}` });
  if (!cancelled) throw new AppError("CONFLICT", `This build is already ${build.status.toLowerCase()}: there is nothing to cancel`);
  await removeBuildJob({ arch: build.arch, buildId }).catch((error) =>
    console.warn(`build ${buildId}: its queued job stays until a host drops it: ${(error as Error).message}`),
  );
  return db.build.findUniqueOrThrow({ where: { id: buildId } });
}

/** Queues a failed or cancelled build again as a new attempt; calls of earlier attempts are refused from now on. */
export async function retryBuild({ actor, buildId }: { actor: Actor; buildId: string }) {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, ...ownedBuild(actor) } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  if (build.status !== "FAILED" && build.status !== "CANCELLED") {
    throw new AppError("CONFLICT", `Only a failed or cancelled build can be retried; this one is ${build.status.toLowerCase()}`);
  }
  const active = await db.build.count({ where: { ...ownedBuild(actor), status: { in: ["QUEUED", "RUNNING"] } } });
  const limit = getEnv().MAX_CONCURRENT_BUILDS_PER_USER;
  if (active >= limit) throw new AppError("RATE_LIMITED", `You already have ${active} builds queued or running (the limit is ${limit})`);
  await startNextAttempt({ buildId, from: { status: build.status, attempt: build.attempt }, reason: `Retried by ${actor.name}` });
  return db.build.findUniqueOrThrow({ where: { id: buildId } });
}
