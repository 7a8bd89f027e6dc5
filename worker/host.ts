import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { buildQueueName } from "@/contracts/jobs";
import { reportRedisOutages } from "@/contracts/redis-outages";
import { AppClient } from "./app-client";
import type { WorkerEnv } from "./env";
import { runBuildJob, type RunBuild, type RunningBuild } from "./run-job";
import { startTestDriveHost } from "./testdrive/host";

/**
 * A build host: registers with the app, takes jobs of its architecture from BullMQ (the only Redis keys it
 * touches are its queue's), sends heartbeats, and stops a build when the app's answers say so. A revoked host
 * token stops the whole host at its next request.
 */
export async function startBuildHost({
  env,
  runBuild,
  nixVersion = null,
  log = (m: string) => console.log(`[worker] ${m}`),
}: {
  env: WorkerEnv;
  runBuild: RunBuild;
  nixVersion?: string | null;
  log?: (message: string) => void;
}) {
  let close: () => Promise<void> = async () => undefined;
  let stoppedBecause: (reason: string) => void = () => undefined;
  /** Resolves with the reason when the app refused this host's token (revoked) and the host stopped. */
  const stopped = new Promise<string>((resolve) => (stoppedBecause = resolve));
  let isRefused = false;
  const running = new Map<string, RunningBuild>();
  const app = new AppClient(env.APP_URL, env.ZXCV_HOST_TOKEN, (message) => {
    if (isRefused) return;
    isRefused = true;
    log(`the app refused this host's token (401): ${message}. Stopping.`);
    for (const build of running.values()) build.controller.abort(new Error("the host token was refused"));
    void close().then(() => stoppedBecause(message));
  });
  await app.register({ name: env.ZXCV_HOST_NAME, arch: env.ZXCV_HOST_ARCH, capacity: env.ZXCV_HOST_CAPACITY, nixVersion });
  const stop = (buildId: string, why: string) => running.get(buildId)?.controller.abort(new Error(why));

  const connection = reportRedisOutages(new Redis(env.REDIS_URL, { maxRetriesPerRequest: null }), log);
  const worker = new Worker(
    buildQueueName(env.ZXCV_HOST_ARCH),
    (job, token) => runBuildJob(job, token, { app, runBuild, workDir: env.ZXCV_WORK_DIR, bootTest: env.ZXCV_BOOT_TEST, running, log }),
    {
      connection,
      concurrency: env.ZXCV_HOST_CAPACITY,
      lockDuration: env.ZXCV_LOCK_MS,
      stalledInterval: Math.max(250, Math.floor(env.ZXCV_LOCK_MS / 2)),
      maxStalledCount: 3,
    },
  );
  // Test-drives take build slots: with every slot held by one, the host takes no build jobs until one ends.
  const drives = startTestDriveHost({
    app,
    appUrl: env.APP_URL,
    workDir: env.ZXCV_WORK_DIR,
    capacity: env.ZXCV_HOST_CAPACITY,
    buildsRunning: () => running.size,
    onSessionsChange: (sessions) => {
      const free = env.ZXCV_HOST_CAPACITY - sessions;
      if (free >= 1) {
        worker.concurrency = free;
        if (worker.isPaused()) void worker.resume();
      } else if (!worker.isPaused()) void worker.pause(true);
    },
    log,
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
      if (!isRefused) log(`heartbeat failed: ${(error as Error).message}`);
    }
  };
  void beat();
  const heartbeat = setInterval(beat, env.ZXCV_HEARTBEAT_MS);
  log(`${env.ZXCV_HOST_NAME} (${env.ZXCV_HOST_ARCH}, capacity ${env.ZXCV_HOST_CAPACITY}) takes jobs from ${buildQueueName(env.ZXCV_HOST_ARCH)}`);

  let closing: Promise<void> | undefined;
  /** Graceful: waits for running builds to finish (BullMQ's close), then stops heartbeats. Idempotent. */
  close = () => {
    closing ??= (async () => {
      if (isRefused) clearInterval(heartbeat);
      await drives.close();
      await worker.close();
      clearInterval(heartbeat);
      app.close();
      connection.disconnect();
    })();
    return closing;
  };
  return { worker, running, drives, app, stopped, close };
}
