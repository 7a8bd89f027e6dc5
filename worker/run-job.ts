import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Redis } from "ioredis";
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { buildJobSchema, cancelKey, type BuildPhase } from "@/contracts/jobs";
import type { Selection } from "@/contracts/selection";
import { appendLogLines } from "@/lib/log-stream";
import { AppRefusal, type AppClient, type Attempt } from "./app-client";

/** What the engine reports as it goes; `done`/`total` count derivations while realising. */
export type EngineProgress = { phase: string; done?: number; total?: number; detail?: string };

/** The build function, injected: the real engine in production, a fault-simulating stand-in in some tests. */
export type RunBuild = (options: {
  selection: Selection;
  workDir: string;
  bootTest: boolean;
  signal: AbortSignal;
  onLog: (line: string) => void;
  onPhase: (progress: EngineProgress) => void;
}) => Promise<{ isoPath: string; sha256: string; isoSizeBytes: number } & Record<string, unknown>>;

export type RunningBuild = { buildId: string; attempt: number; controller: AbortController };

export type JobDeps = {
  app: AppClient;
  redis: Redis;
  runBuild: RunBuild;
  workDir: string;
  bootTest: boolean;
  running: Map<string, RunningBuild>;
  log: (message: string) => void;
};

/** Where each phase sits on the progress bar. */
const PHASE_SPAN: Record<string, [number, number]> = {
  preparing: [0, 0.05], evaluating: [0.05, 0.1], realising: [0.1, 0.7], "boot-test": [0.7, 0.9], hashing: [0.9, 0.92], uploading: [0.92, 1],
};

export function toPhaseEvent(p: EngineProgress): { phase: BuildPhase; progress: number; detail: string } {
  const phase = (p.phase === "hashing" ? "uploading" : p.phase) as BuildPhase;
  const [from, to] = PHASE_SPAN[p.phase] ?? [0, 1];
  const fraction = p.total ? Math.min(1, (p.done ?? 0) / p.total) : 0;
  const detail = p.detail ?? (p.total ? `${p.done ?? 0} of ${p.total}` : "");
  return { phase, progress: Math.round((from + (to - from) * fraction) * 1000) / 1000, detail: detail.slice(0, 200) };
}

/** Ships log lines to the Redis stream in small batches, and keeps the whole log in a file for the artifact. */
class LogShipper {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing = Promise.resolve();
  readonly tail: string[] = [];
  constructor(private readonly redis: Redis, private readonly buildId: string, private readonly file: WriteStream) {}

  line(text: string): void {
    this.file.write(`${text}\n`);
    this.tail.push(text);
    if (this.tail.length > 20) this.tail.shift();
    this.pending.push(text);
    this.timer ??= setTimeout(() => void this.flush(), 50);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending.splice(0);
    this.flushing = this.flushing.then(() => appendLogLines(this.redis, this.buildId, lines).catch(() => undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}

async function fileDigest(path: string): Promise<{ path: string; sizeBytes: number; sha256: string }> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return { path, sizeBytes: (await stat(path)).size, sha256: hash.digest("hex") };
}

/** Runs one BullMQ job: claim, build, ship the log, upload ISO and log, report. */
export async function runBuildJob(job: Job, deps: JobDeps): Promise<string> {
  const parsed = buildJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Unreadable job payload: ${parsed.error.message}`);
  const data = parsed.data;
  let claim: { attempt: number; attemptToken: string };
  try {
    claim = await deps.app.claim(data.buildId, data.attempt);
  } catch (error) {
    // Cancelled, finished or taken by someone else: nothing to build, and nothing to retry.
    if (error instanceof AppRefusal) return `skipped: ${error.message}`;
    throw error;
  }
  const attempt: Attempt = { buildId: data.buildId, attempt: claim.attempt, token: claim.attemptToken };
  const controller = new AbortController();
  deps.running.set(data.buildId, { buildId: data.buildId, attempt: claim.attempt, controller });
  if (await deps.redis.exists(cancelKey(data.buildId))) controller.abort(new Error("cancelled"));

  const dir = join(deps.workDir, data.buildId, String(claim.attempt));
  await mkdir(dir, { recursive: true });
  const logPath = join(dir, "build.log");
  const log = new LogShipper(deps.redis, data.buildId, createWriteStream(logPath));
  let step = "preparing";
  const phase = (p: EngineProgress) => {
    step = p.phase;
    const event = toPhaseEvent(p);
    void job.updateProgress(event).catch(() => undefined);
    void log.flush().then(() => deps.app.phase(attempt, event).catch(() => undefined));
  };
  deps.log(`build ${data.buildId}: attempt ${claim.attempt} started`);
  try {
    log.line(`zxcv: build ${data.buildId} attempt ${claim.attempt}, channel ${data.channel} ${data.channelRevision.slice(0, 12)}, ${data.arch}`);
    phase({ phase: "preparing" });
    const result = await deps.runBuild({
      selection: data.selection, workDir: dir, bootTest: deps.bootTest, signal: controller.signal,
      onLog: (line) => log.line(line), onPhase: phase,
    });
    phase({ phase: "uploading", detail: "uploading the ISO" });
    log.line(`zxcv: uploading ${result.isoSizeBytes} bytes, sha256 ${result.sha256}`);
    await deps.app.upload(attempt, "iso", { path: result.isoPath, sizeBytes: result.isoSizeBytes, sha256: result.sha256 });
    log.line("zxcv: ISO uploaded and verified");
    await log.close();
    await deps.app.upload(attempt, "log", await fileDigest(logPath));
    await deps.app.complete(attempt, result);
    deps.log(`build ${data.buildId}: succeeded`);
    return "succeeded";
  } catch (error) {
    if (controller.signal.aborted) {
      await log.close().catch(() => undefined);
      deps.log(`build ${data.buildId}: stopped (${String((controller.signal.reason as Error)?.message ?? "aborted")})`);
      return "cancelled";
    }
    const message = (error as Error).message ?? String(error);
    log.line(`zxcv: ${step} failed: ${message}`);
    await log.close().catch(() => undefined);
    if (error instanceof AppRefusal && error.status === 409) return `refused: ${message}`;
    try {
      await deps.app.upload(attempt, "log", await fileDigest(logPath));
      await deps.app.fail(attempt, { step, message: message.slice(0, 2000), tail: log.tail.slice(-10).map((l) => l.slice(0, 500)) });
    } catch (reportError) {
      deps.log(`build ${data.buildId}: could not report the failure: ${(reportError as Error).message}`);
    }
    deps.log(`build ${data.buildId}: failed in ${step}: ${message}`);
    // The failure is recorded in the database; retrying is the person's decision (Retry), not BullMQ's.
    return "failed";
  } finally {
    deps.running.delete(data.buildId);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
