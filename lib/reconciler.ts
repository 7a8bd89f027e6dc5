import { getDb } from "./db";
import { hasBuildJob } from "./queue";
import { HOST_OFFLINE_AFTER_MS } from "./hosts";
import { buildJobOf, enqueueOrLeaveToReconciler } from "./builds/enqueue";
import { signalCancel } from "./builds/actions";
import { MAX_ATTEMPTS } from "./builds/host";
import { appendEnd } from "./log-stream";
import { getRedis } from "./redis";
import { selectionSchema } from "@/contracts/selection";

export { MAX_ATTEMPTS };

/**
 * PostgreSQL is the truth, Redis only delivers. Re-enqueues QUEUED builds whose job Redis lost (a FLUSHALL, a
 * restart without persistence), and retries or fails RUNNING builds whose host stopped sending heartbeats.
 */
export async function reconcileBuilds({ hostOfflineAfterMs = HOST_OFFLINE_AFTER_MS, now = new Date() } = {}) {
  const db = getDb();
  const report = { reEnqueued: [] as string[], retried: [] as string[], failed: [] as string[] };

  const queued = await db.build.findMany({ where: { status: "QUEUED" }, include: { revision: { select: { selection: true } } } });
  for (const build of queued) {
    if (await hasBuildJob({ arch: build.arch, buildId: build.id })) continue;
    await enqueueOrLeaveToReconciler(buildJobOf(build, selectionSchema.parse(build.revision.selection)));
    report.reEnqueued.push(build.id);
  }

  const cutoff = new Date(now.getTime() - hostOfflineAfterMs);
  const orphaned = await db.build.findMany({
    where: {
      status: "RUNNING",
      startedAt: { lt: cutoff },
      OR: [{ hostId: null }, { host: { OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: cutoff } }] } }],
    },
    include: { host: true, revision: { select: { selection: true } } },
  });
  for (const build of orphaned) {
    const hostName = build.host?.name ?? "its host";
    const silentFor = Math.round(hostOfflineAfterMs / 1000);
    if (build.attempt < MAX_ATTEMPTS) {
      const moved = await db.build.updateMany({
        where: { id: build.id, status: "RUNNING", attempt: build.attempt },
        data: { status: "QUEUED", attempt: build.attempt + 1, hostId: null, attemptTokenHash: null, phase: "queued", progress: 0, startedAt: null },
      });
      if (moved.count === 0) continue;
      await enqueueOrLeaveToReconciler(buildJobOf({ ...build, attempt: build.attempt + 1 }, selectionSchema.parse(build.revision.selection)));
      report.retried.push(build.id);
    } else {
      const reason = `The build host ${hostName} stopped responding (no heartbeat for ${silentFor} s) during attempt ${build.attempt} of ${MAX_ATTEMPTS}; the build was not retried again.`;
      const moved = await db.build.updateMany({
        where: { id: build.id, status: "RUNNING", attempt: build.attempt },
        data: { status: "FAILED", finishedAt: now, failureReason: reason, attemptTokenHash: null },
      });
      if (moved.count === 0) continue;
      await signalCancel(build.id, build.arch);
      await appendEnd(getRedis(), build.id, "FAILED", reason).catch(() => undefined);
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
