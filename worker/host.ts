import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { buildQueueName, CANCEL_CHANNEL } from "@/contracts/jobs";
import { reportRedisOutages } from "@/lib/redis";
import { AppClient } from "./app-client";
import type { WorkerEnv } from "./env";
import { runBuildJob, type RunBuild, type RunningBuild } from "./run-job";

/**
 * A build host: registers with the app, takes jobs of its architecture from BullMQ, sends heartbeats, and
 * kills a build when the app says it was cancelled (pub/sub, with the heartbeat answer as a fallback).
 */
export async function startBuildHost({ env, runBuild, nixVersion = null, log = (m: string) => console.log(`[worker] ${m}`) }: {
  env: WorkerEnv; runBuild: RunBuild; nixVersion?: string | null; log?: (message: string) => void;
}) {
  const app = new AppClient(env.APP_URL, env.ZXCV_HOST_TOKEN);
  await app.register({ name: env.ZXCV_HOST_NAME, arch: env.ZXCV_HOST_ARCH, capacity: env.ZXCV_HOST_CAPACITY, nixVersion });
  const redis = reportRedisOutages(new Redis(env.REDIS_URL, { maxRetriesPerRequest: null }), log);
  const subscriber = reportRedisOutages(new Redis(env.REDIS_URL, { maxRetriesPerRequest: null }), log);
  const running = new Map<string, RunningBuild>();

  const stop = (buildId: string, why: string) => running.get(buildId)?.controller.abort(new Error(why));
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on("message", (_channel, buildId: string) => stop(buildId, "cancelled"));

  const connection = reportRedisOutages(new Redis(env.REDIS_URL, { maxRetriesPerRequest: null }), log);
  const worker = new Worker(buildQueueName(env.ZXCV_HOST_ARCH), (job) => runBuildJob(job, { app, redis, runBuild, workDir: env.ZXCV_WORK_DIR, bootTest: env.ZXCV_BOOT_TEST, running, log }), {
    connection,
    concurrency: env.ZXCV_HOST_CAPACITY,
    lockDuration: env.ZXCV_LOCK_MS,
    stalledInterval: Math.max(250, Math.floor(env.ZXCV_LOCK_MS / 2)),
    maxStalledCount: 3,
  });
  // Connection errors are reported once per outage by reportRedisOutages; others are logged.
  worker.on("error", (error) => {
    if (!/ECONNREFUSED|ECONNRESET|Connection is closed/.test(error.message)) log(`queue error: ${error.message}`);
  });

  const beat = async () => {
    try {
      const { stop: toStop } = await app.heartbeat([...running.values()].map((r) => ({ buildId: r.buildId, attempt: r.attempt })));
      for (const buildId of toStop) stop(buildId, "the app no longer assigns this build to this host");
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  };
  void beat();
  const heartbeat = setInterval(beat, env.ZXCV_HEARTBEAT_MS);
  log(`${env.ZXCV_HOST_NAME} (${env.ZXCV_HOST_ARCH}, capacity ${env.ZXCV_HOST_CAPACITY}) takes jobs from ${buildQueueName(env.ZXCV_HOST_ARCH)}`);

  let closing: Promise<void> | undefined;
  return {
    worker,
    running,
    /** Graceful: waits for running builds to finish (BullMQ's close), then stops heartbeats. Idempotent. */
    close() {
      closing ??= (async () => {
        await worker.close();
        clearInterval(heartbeat);
        app.close();
        for (const client of [subscriber, redis, connection]) client.disconnect();
      })();
      return closing;
    },
  };
}
