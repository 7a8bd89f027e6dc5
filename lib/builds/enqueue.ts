import type { Build } from "@/generated/prisma/client";
import type { BuildJob } from "@/contracts/jobs";
import { enqueueBuildJob } from "../queue";

/** The job of a build's current attempt: only its id and attempt (a host gets the rest from its claim). */
export function buildJobOf(build: Pick<Build, "id" | "attempt" | "arch">): { arch: string; job: BuildJob } {
  return { arch: build.arch, job: { v: 2, buildId: build.id, attempt: build.attempt } };
}

/** PostgreSQL is the truth: if Redis is down now, the build stays QUEUED and the reconciler enqueues it later. */
export async function enqueueOrLeaveToReconciler({ arch, job }: { arch: string; job: BuildJob }): Promise<void> {
  try {
    await enqueueBuildJob({ arch, job });
  } catch (error) {
    console.warn(`build ${job.buildId}: could not enqueue now, the reconciler will retry: ${(error as Error).message}`);
  }
}
