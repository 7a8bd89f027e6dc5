import { getDb } from "./db";
import { hasBuildJob, removeBuildJob } from "./queue";
import { hostOfflineAfterMs as defaultOfflineAfterMs } from "./hosts";
import { buildJobOf, enqueueOrLeaveToReconciler } from "./builds/enqueue";
import { endAttempt, MAX_ATTEMPTS, startNextAttempt } from "./builds/state";

export { MAX_ATTEMPTS };

/**
 * PostgreSQL is the truth, Redis only delivers. Re-enqueues QUEUED builds whose job Redis lost (a FLUSHALL, a
 * restart without persistence), and retries or fails RUNNING builds whose host stopped sending heartbeats.
 */
export async function reconcileBuilds({ hostOfflineAfterMs = defaultOfflineAfterMs(), now = new Date() } = {}) {
  const db = getDb();
  const report = { reEnqueued: [] as string[], retried: [] as string[], failed: [] as string[] };

  const queued = await db.build.findMany({ where: { status: "QUEUED" } });
  for (const build of queued) {
    if (await hasBuildJob({ arch: build.arch, buildId: build.id })) continue;
    await enqueueOrLeaveToReconciler(buildJobOf(build));
    report.reEnqueued.push(build.id);
  }

  const cutoff = new Date(now.getTime() - hostOfflineAfterMs);
  const orphaned = await db.build.findMany({
    where: {
      status: "RUNNING",
      startedAt: { lt: cutoff },
      OR: [{ hostId: null }, { host: { OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: cutoff } }] } }],
    },
    include: { host: true },
  });
  for (const build of orphaned) {
    const hostName = build.host?.name ?? "its host";
    const silentFor = Math.round(hostOfflineAfterMs / 1000);
    const lost = `The build host ${hostName} stopped responding (no heartbeat for ${silentFor} s) during attempt ${build.attempt}`;
    if (build.attempt < MAX_ATTEMPTS) {
      const moved = await startNextAttempt({ buildId: build.id, from: { status: "RUNNING", attempt: build.attempt }, reason: `${lost}.` }).catch(() => null);
      if (moved) report.retried.push(build.id);
    } else {
      const reason = `${lost} of ${MAX_ATTEMPTS}; the build was not retried again.`;
      if (!(await endAttempt({ buildId: build.id, attempt: build.attempt, status: "FAILED", reason }))) continue;
      await removeBuildJob({ arch: build.arch, buildId: build.id }).catch(() => undefined);
      report.failed.push(build.id);
    }
  }
  return report;
}

const globalForReconciler = globalThis as unknown as { zxcvReconciler?: NodeJS.Timeout };

/** Started once per app process (instrumentation.ts). */
export function startReconciler(intervalMs = 10_000): void {
  if (globalForReconciler.zxcvReconciler) return;
  let running = false;
  globalForReconciler.zxcvReconciler = setInterval(() => {
    if (running) return;
    running = true;
    reconcileBuilds()
      .then((r) => {
        const changed = r.reEnqueued.length + r.retried.length + r.failed.length;
        if (changed) console.log(`reconciler: re-enqueued ${r.reEnqueued.length}, retried ${r.retried.length}, failed ${r.failed.length}`);
      })
      .catch((error) => console.warn(`reconciler: ${(error as Error).message}`))
      .finally(() => (running = false));
  }, intervalMs);
  globalForReconciler.zxcvReconciler.unref();
}
