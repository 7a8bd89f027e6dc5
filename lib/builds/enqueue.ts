import type { Build } from "@/generated/prisma/client";
import type { BuildJob } from "@/contracts/jobs";
import { enqueueBuildJob } from "../queue";

export function buildJobOf(build: Pick<Build, "id" | "attempt" | "channel" | "channelRevision" | "arch">, selection: BuildJob["selection"]): BuildJob {
  return { v: 1, buildId: build.id, attempt: build.attempt, selection, channel: build.channel, channelRevision: build.channelRevision, arch: build.arch };
}

/** PostgreSQL is the truth: if Redis is down now, the build stays QUEUED and the reconciler enqueues it later. */
export async function enqueueOrLeaveToReconciler(job: BuildJob): Promise<void> {
  try {
    await enqueueBuildJob(job);
  } catch (error) {
    console.warn(`build ${job.buildId}: could not enqueue now, the reconciler will retry: ${(error as Error).message}`);
  }
}
