import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { claimBuildResponseSchema, heartbeatResponseSchema, type PhaseEvent } from "@/contracts/jobs";

/** An answer from the app that retrying cannot change (a 4xx): the build was cancelled, retried elsewhere, refused. */
export class AppRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Seconds after which asking again may succeed (a claim of a build whose host may be going offline). */
  get retryAfterSeconds(): number | undefined {
    const value = this.details?.retryAfterSeconds;
    return typeof value === "number" && value > 0 ? value : undefined;
  }
}

/**
 * The worker's only channel to the control plane (it touches no Redis key but its queue's). Calls are retried
 * while the app is unreachable or restarting (5xx, connection refused), so an app restart mid-build loses nothing.
 * A 401 to the host token (revoked) is reported once to `onHostRefused`, which stops the host.
 */
export class AppClient {
  private isClosed = false;
  /** Calls that failed and were tried again (the app was down or answered 5xx). */
  retriedCalls = 0;
  constructor(
    private readonly appUrl: string,
    private readonly hostToken: string,
    private readonly onHostRefused: (message: string) => void = () => undefined,
    private readonly retryForMs = 120_000,
  ) {}

  /** Stops retrying: pending calls fail at their next attempt. */
  close(): void {
    this.isClosed = true;
  }

  /** One JSON call with the host token (or `token`), retried while the app is away (worker/testdrive/ uses it too). */
  async call(
    path: string,
    init: { method?: string; headers?: Record<string, string>; token?: string; json?: unknown; rawBody?: () => RequestInit["body"]; retryForMs?: number },
  ): Promise<unknown> {
    const deadline = Date.now() + (init.retryForMs ?? this.retryForMs);
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        const headers = new Headers(init.headers);
        headers.set("authorization", `Bearer ${init.token ?? this.hostToken}`);
        let body: RequestInit["body"] | undefined;
        if (init.rawBody) body = init.rawBody();
        else if (init.json !== undefined) {
          headers.set("content-type", "application/json");
          body = JSON.stringify(init.json);
        }
        const response = await fetch(new URL(path, this.appUrl), { method: init.method ?? "POST", headers, body, duplex: "half" } as RequestInit);
        const text = await response.text();
        const data = text ? safeJson(text) : {};
        if (response.ok) return data;
        const error = (data as { error?: { message?: string; details?: Record<string, unknown> } })?.error;
        const message = error?.message ?? `HTTP ${response.status}`;
        if (response.status === 401 && !init.token) this.onHostRefused(message);
        // 507: the dashboard's artifact disk is full; retrying the same upload cannot help.
        if (response.status < 500 || response.status === 507) throw new AppRefusal(response.status, message, error?.details);
        throw new Error(message);
      } catch (error) {
        if (error instanceof AppRefusal || this.isClosed || Date.now() > deadline) throw error;
        this.retriedCalls += 1;
        await sleep(delay);
      }
    }
  }

  register(input: { name: string; arch: string; capacity: number; nixVersion: string | null }) {
    return this.call("/api/host/register", { json: input });
  }

  async heartbeat(running: { buildId: string; attempt: number }[]) {
    // The next heartbeat is the retry.
    return heartbeatResponseSchema.parse(await this.call("/api/host/heartbeat", { json: { running }, retryForMs: 0 }));
  }

  /** What to build comes from this answer only: the job in Redis names the build, nothing more. */
  async claim(buildId: string, attempt: number) {
    return claimBuildResponseSchema.parse(await this.call(`/api/host/builds/${encodeURIComponent(buildId)}/claim`, { json: { attempt } }));
  }

  phase(a: Attempt, event: PhaseEvent) {
    return this.call(`${attemptPath(a)}/phase`, { token: a.token, json: event });
  }

  log(a: Attempt, lines: string[]) {
    return this.call(`${attemptPath(a)}/log`, { token: a.token, json: { lines } });
  }

  /** Streams a file from disk (never read whole) with its declared size and sha256. */
  upload(a: Attempt, kind: "iso" | "log", file: { path: string; sizeBytes: number; sha256: string }) {
    return this.call(`${attemptPath(a)}/artifacts/${kind}`, {
      method: "PUT",
      token: a.token,
      headers: { "content-type": "application/octet-stream", "x-content-size": String(file.sizeBytes), "x-content-sha256": file.sha256 },
      rawBody: () => Readable.toWeb(createReadStream(file.path)) as unknown as RequestInit["body"],
    });
  }

  complete(a: Attempt, result: unknown) {
    return this.call(`${attemptPath(a)}/complete`, { token: a.token, json: { result } });
  }

  fail(a: Attempt, failure: { step: string; message: string; tail: string[] }) {
    return this.call(`${attemptPath(a)}/fail`, { token: a.token, json: failure });
  }
}

export type Attempt = { buildId: string; attempt: number; token: string };

function attemptPath(a: Attempt): string {
  return `/api/host/builds/${encodeURIComponent(a.buildId)}/attempts/${a.attempt}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
