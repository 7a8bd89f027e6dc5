import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Job } from "bullmq";
import { DelayedError, UnrecoverableError } from "bullmq";
import { buildJobRefSchema, MAX_LOG_LINE_CHARS, MAX_LOG_LINES_PER_BATCH, type BuildPhase, type ClaimedBuild } from "@/contracts/jobs";
import type { Selection } from "@/contracts/selection";
import { AppRefusal, type AppClient, type Attempt } from "./app-client";
import { channelRevision, isChannelId } from "./engine/channels";

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
  runBuild: RunBuild;
  workDir: string;
  bootTest: boolean;
  running: Map<string, RunningBuild>;
  log: (message: string) => void;
};

/** Where each phase sits on the progress bar. */
const PHASE_SPAN: Record<string, [number, number]> = {
  preparing: [0, 0.05],
  evaluating: [0.05, 0.1],
  realising: [0.1, 0.7],
  "boot-test": [0.7, 0.9],
  hashing: [0.9, 0.92],
  uploading: [0.92, 1],
};

export function toPhaseEvent(p: EngineProgress): { phase: BuildPhase; progress: number; detail: string } {
  const phase = (p.phase === "hashing" ? "uploading" : p.phase) as BuildPhase;
  const [from, to] = PHASE_SPAN[p.phase] ?? [0, 1];
  const fraction = p.total ? Math.min(1, (p.done ?? 0) / p.total) : 0;
  const detail = p.detail ?? (p.total ? `${p.done ?? 0} of ${p.total}` : "");
  return { phase, progress: Math.round((from + (to - from) * fraction) * 1000) / 1000, detail: detail.slice(0, 200) };
}

/** A batch stays well below the app's JSON body limit (256 KiB). */
const MAX_BATCH_CHARS = 128 * 1024;

/**
 * Ships log lines to the app in small batches (the app appends them to the live log) and keeps the whole log in a
 * file for the artifact. A refusal (the attempt was cancelled or taken over) is passed to `onRefused`.
 */
class LogShipper {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing = Promise.resolve();
  readonly tail: string[] = [];
  constructor(
    private readonly app: AppClient,
    private readonly attempt: Attempt,
    private readonly file: WriteStream,
    private readonly onRefused: (error: AppRefusal) => void,
  ) {}

  line(text: string): void {
    this.file.write(`${text}\n`);
    this.tail.push(text);
    if (this.tail.length > 20) this.tail.shift();
    this.pending.push(text.slice(0, MAX_LOG_LINE_CHARS));
    this.timer ??= setTimeout(() => void this.flush(), 50);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches: string[][] = [];
    for (const line of this.pending.splice(0)) {
      const batch = batches.at(-1);
      if (batch && batch.length < MAX_LOG_LINES_PER_BATCH && batch.reduce((n, l) => n + l.length, 0) + line.length < MAX_BATCH_CHARS) batch.push(line);
      else batches.push([line]);
    }
    for (const batch of batches) {
      this.flushing = this.flushing.then(() =>
        this.app.log(this.attempt, batch).then(
          () => undefined,
          // Lines the app could not take stay in the log file; a refusal means this attempt must stop.
          (error) => (error instanceof AppRefusal ? this.onRefused(error) : undefined),
        ),
      );
    }
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

/** The host's own checkout must hold the channel revision the build was made for, or it would build something else. */
function revisionProblem(build: ClaimedBuild["build"]): string | undefined {
  const have = isChannelId(build.channel) ? channelRevision(build.channel) : undefined;
  if (have === build.channelRevision) return undefined;
  if (!have)
    return `this host has no channel ${build.channel}, the build needs it at revision ${build.channelRevision.slice(0, 12)}: update the host's checkout`;
  return `this host has channel ${build.channel} at revision ${have.slice(0, 12)}, the build needs ${build.channelRevision.slice(0, 12)}: update the host's checkout`;
}

/**
 * Runs one BullMQ job: the job names a build and attempt, nothing more; the claim answer says what to build. Then
 * build, ship the log, upload ISO and log, report. A claim refused for now (the build runs on a host that may be
 * going offline) puts the job back for later.
 */
export async function runBuildJob(job: Job, queueToken: string | undefined, deps: JobDeps): Promise<string> {
  const parsed = buildJobRefSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Unreadable job payload: ${parsed.error.message}`);
  let claim: ClaimedBuild;
  try {
    claim = await deps.app.claim(parsed.data.buildId, parsed.data.attempt);
  } catch (error) {
    if (error instanceof AppRefusal && error.retryAfterSeconds && queueToken) {
      deps.log(`build ${parsed.data.buildId}: ${error.message}; asking again in ${error.retryAfterSeconds} s`);
      await job.moveToDelayed(Date.now() + error.retryAfterSeconds * 1000, queueToken);
      throw new DelayedError();
    }
    // Cancelled, finished or taken by someone else: nothing to build, and nothing to retry.
    if (error instanceof AppRefusal) return `skipped: ${error.message}`;
    throw error;
  }
  const data = claim.build;
  const attempt: Attempt = { buildId: data.id, attempt: claim.attempt, token: claim.attemptToken };
  const controller = new AbortController();
  const stopWith = (error: AppRefusal) => controller.abort(new Error(`the app refused attempt ${claim.attempt}: ${error.message}`));
  deps.running.set(data.id, { buildId: data.id, attempt: claim.attempt, controller });

  const dir = join(deps.workDir, data.id, String(claim.attempt));
  await mkdir(dir, { recursive: true });
  const logPath = join(dir, "build.log");
  const log = new LogShipper(deps.app, attempt, createWriteStream(logPath), stopWith);
  let step = "preparing";
  const phase = (p: EngineProgress) => {
    step = p.phase;
    const event = toPhaseEvent(p);
    void job.updateProgress(event).catch(() => undefined);
    void log.flush().then(() => deps.app.phase(attempt, event).catch((error) => (error instanceof AppRefusal ? stopWith(error) : undefined)));
  };
  deps.log(`build ${data.id}: attempt ${claim.attempt} started`);
  try {
    log.line(`zxcv: build ${data.id} attempt ${claim.attempt}, channel ${data.channel} ${data.channelRevision.slice(0, 12)}, ${data.arch}`);
    phase({ phase: "preparing" });
    const problem = revisionProblem(data);
    if (problem) throw new Error(problem);
    const result = await deps.runBuild({
      selection: data.selection,
      workDir: dir,
      bootTest: deps.bootTest,
      signal: controller.signal,
      onLog: (line) => log.line(line),
      onPhase: phase,
    });
    phase({ phase: "uploading", detail: "uploading the ISO" });
    log.line(`zxcv: uploading ${result.isoSizeBytes} bytes, sha256 ${result.sha256}`);
    await deps.app.upload(attempt, "iso", { path: result.isoPath, sizeBytes: result.isoSizeBytes, sha256: result.sha256 });
    log.line("zxcv: ISO uploaded and verified");
    await log.close();
    await deps.app.upload(attempt, "log", await fileDigest(logPath));
    await deps.app.complete(attempt, result);
    deps.log(`build ${data.id}: succeeded`);
    return "succeeded";
  } catch (error) {
    if (controller.signal.aborted) {
      await log.close().catch(() => undefined);
      deps.log(`build ${data.id}: stopped (${String((controller.signal.reason as Error)?.message ?? "aborted")})`);
      return "cancelled";
    }
    const message = (error as Error).message ?? String(error);
    log.line(`zxcv: ${step} failed: ${message}`);
    await log.close().catch(() => undefined);
    if (error instanceof AppRefusal && (error.status === 409 || error.status === 422)) return `refused: ${message}`;
    try {
      await deps.app.upload(attempt, "log", await fileDigest(logPath));
      await deps.app.fail(attempt, { step, message: message.slice(0, 2000), tail: log.tail.slice(-10).map((l) => l.slice(0, 500)) });
    } catch (reportError) {
      deps.log(`build ${data.id}: could not report the failure: ${(reportError as Error).message}`);
    }
    deps.log(`build ${data.id}: failed in ${step}: ${message}`);
    // The failure is recorded in the database; retrying is the person's decision (Retry), not BullMQ's.
    return "failed";
  } finally {
    deps.running.delete(data.id);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
