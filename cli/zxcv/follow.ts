import { printable, type ApiClient } from "./client";

export type BuildJson = {
  id: string;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  phase: string | null;
  progress: number | null;
  failureReason: string | null;
  iso: { id: string; fileName: string; sizeBytes: number; sha256: string; downloadUrl: string } | null;
  /** Set while it is queued with no build host of its arch online. */
  waitingReason?: string | null;
};

export const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

type SseEvent = { event: string; data: string; id?: string };

/** Reads a text/event-stream body event by event. */
async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: SseEvent = { event: "message", data: "" };
  let hasData = false;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (hasData) yield event;
        event = { event: "message", data: "" };
        hasData = false;
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.event = value;
        else if (field === "id") event.id = value;
        else if (field === "data") {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        }
      }
    }
  }
}

/** Draws `[#####-----]  45% realising` on a terminal; prints a line per phase change elsewhere. */
export class ProgressDisplay {
  private lastPhase = "";
  private barShown = false;
  constructor(
    private readonly isTty: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Prints a log line from the server, with terminal escape sequences and control characters neutralised. */
  log(line: string): void {
    this.clearBar();
    process.stdout.write(`${printable(line)}\n`);
    this.redraw();
  }

  private phase = "";
  private progress = 0;

  update(phase: string, progress: number, detail = ""): void {
    phase = printable(phase);
    detail = printable(detail);
    this.phase = phase;
    this.progress = Math.max(0, Math.min(1, progress));
    if (this.isTty) return this.redraw();
    if (phase !== this.lastPhase) {
      this.lastPhase = phase;
      this.out.write(`== ${phase} (${Math.round(this.progress * 100)}%)${detail ? `: ${detail}` : ""}\n`);
    }
  }

  private redraw(): void {
    if (!this.isTty || !this.phase) return;
    const width = 30;
    const filled = Math.round(this.progress * width);
    this.out.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(this.progress * 100)).padStart(3)}% ${this.phase}`);
    this.barShown = true;
  }

  private clearBar(): void {
    if (this.barShown) this.out.write("\r\x1b[2K");
    this.barShown = false;
  }

  finish(): void {
    if (this.barShown) this.out.write("\n");
    this.barShown = false;
  }
}

/** How long `follow` keeps trying while the server is unreachable or answers 5xx before it gives up. */
const OUTAGE_LIMIT_MS = 15 * 60_000;

/**
 * Calls `fn` until it succeeds, waiting 1 s, 2 s, 4 s ... (at most 15 s) while the server is unreachable or
 * answers 5xx, with one line on stderr per outage; other errors, and an outage past `limitMs`, are thrown.
 */
export async function withRetry<T>(fn: () => Promise<T>, { limitMs = OUTAGE_LIMIT_MS, say = (m: string) => process.stderr.write(`${m}\n`) } = {}): Promise<T> {
  let since: number | undefined;
  for (let tries = 0; ; tries++) {
    try {
      const value = await fn();
      if (since !== undefined) say(`the server answers again; following on`);
      return value;
    } catch (error) {
      if (!(error as { isTransient?: boolean }).isTransient) throw error;
      since ??= Date.now();
      if (Date.now() - since > limitMs) throw error;
      const delay = Math.min(15_000, 1000 * 2 ** tries);
      if (tries === 0) say(`${(error as Error).message}; retrying (the build goes on meanwhile)`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Streams a build's log and phases until it finishes, reconnecting from the last event id when the
 * connection drops or the server is briefly down (5xx, refused). Returns the build as the API reports it at the end.
 */
export async function followBuild(client: ApiClient, buildId: string, display: ProgressDisplay): Promise<BuildJson> {
  let lastEventId: string | undefined;
  const getBuild = () => withRetry(() => client.json<BuildJson>(`/api/v1/builds/${buildId}`));
  let toldWaiting = false;
  for (let attempt = 0; ; attempt++) {
    const build = await getBuild();
    if (build.waitingReason && !toldWaiting) {
      toldWaiting = true;
      process.stderr.write(`zxcv: ${printable(build.waitingReason)}\n`);
    }
    display.update(build.phase ?? build.status.toLowerCase(), build.progress ?? 0);
    if (FINISHED.has(build.status) && lastEventId !== undefined) return build;
    try {
      const response = await withRetry(() =>
        client.request(`/api/v1/builds/${buildId}/events`, { accept: "text/event-stream", headers: lastEventId ? { "last-event-id": lastEventId } : {} }),
      );
      for await (const event of readSse(response.body!)) {
        if (event.id) lastEventId = event.id;
        if (event.event === "line") display.log((JSON.parse(event.data) as { text: string }).text);
        else if (event.event === "phase") {
          const phase = JSON.parse(event.data) as { phase: string; progress: number; detail?: string };
          display.update(phase.phase, phase.progress, phase.detail);
        } else if (event.event === "end") {
          display.finish();
          return getBuild();
        }
      }
    } catch (error) {
      // A dropped stream is resumed below; an error the server gave for this build (404, 401) is final.
      if ((error as Error).name === "CliError") throw error;
    }
    lastEventId ??= "0";
    const after = await getBuild();
    if (FINISHED.has(after.status)) {
      display.finish();
      return after;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * (attempt + 1))));
  }
}
