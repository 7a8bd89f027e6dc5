import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { buildJobSchema, buildQueueName, type BuildJob } from "@/contracts/jobs";
import { getEnv } from "./env";
import { reportRedisOutages } from "./redis";

const globalForQueue = globalThis as unknown as { zxcvQueues?: Map<string, Queue>; zxcvQueueRedis?: Redis };

function queueConnection(): Redis {
  // Fail fast (one retry): enqueueing happens inside a request, and the reconciler re-enqueues anything lost.
  globalForQueue.zxcvQueueRedis ??= reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1 }));
  return globalForQueue.zxcvQueueRedis;
}

export function getBuildQueue(arch: string): Queue {
  const queues = (globalForQueue.zxcvQueues ??= new Map());
  let queue = queues.get(arch);
  if (!queue) {
    queue = new Queue(buildQueueName(arch), { connection: queueConnection() });
    // The connection's handler reports an outage once; the queue re-emits each error, which must not go unhandled.
    queue.on("error", () => {});
    queues.set(arch, queue);
  }
  return queue;
}

/** The build id is the job id: enqueueing the same build twice is a no-op while its job exists. */
export async function enqueueBuildJob({ arch, job }: { arch: string; job: BuildJob }): Promise<void> {
  await getBuildQueue(arch).add("build", buildJobSchema.parse(job), {
    jobId: job.buildId,
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: true,
  });
}

/** Removes a build's job unless a host holds it (a host running it learns of a cancel from the app's answers). */
export async function removeBuildJob({ arch, buildId }: { arch: string; buildId: string }): Promise<void> {
  const job = await getBuildQueue(arch).getJob(buildId);
  if (!job) return;
  const state = await job.getState();
  if (state !== "active") await job.remove().catch(() => undefined);
}

export async function getQueueDepth(arch: string): Promise<{ waiting: number; active: number }> {
  const counts = await getBuildQueue(arch).getJobCounts("waiting", "prioritized", "delayed", "active");
  return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0 };
}

/** Whether Redis still knows this build's job (the reconciler's question after a FLUSHALL). */
export async function hasBuildJob({ arch, buildId }: { arch: string; buildId: string }): Promise<boolean> {
  const job = await getBuildQueue(arch).getJob(buildId);
  return Boolean(job);
}

export async function closeQueues(): Promise<void> {
  for (const queue of globalForQueue.zxcvQueues?.values() ?? []) await queue.close();
  globalForQueue.zxcvQueues?.clear();
  await globalForQueue.zxcvQueueRedis?.quit().catch(() => undefined);
  globalForQueue.zxcvQueueRedis = undefined;
}
