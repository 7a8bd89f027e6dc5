import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { claimBuildResponseSchema } from "@/contracts/jobs";

/** An answer from the app that retrying cannot change (a 4xx): the build was cancelled, retried elsewhere, refused. */
export class AppRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The worker's only channel to the control plane. Calls are retried while the app is unreachable or restarting
 * (5xx, connection refused), so an app restart mid-build loses nothing.
 */
export class AppClient {
  private isClosed = false;
  constructor(private readonly appUrl: string, private readonly hostToken: string, private readonly retryForMs = 120_000) {}

  /** Stops retrying: pending calls fail at their next attempt. */
  close(): void {
    this.isClosed = true;
  }

  private async call(path: string, init: { method?: string; headers?: Record<string, string>; token?: string; json?: unknown; rawBody?: () => RequestInit["body"]; retryForMs?: number }): Promise<unknown> {
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
        const message = (data as { error?: { message?: string } })?.error?.message ?? `HTTP ${response.status}`;
        // 507: the dashboard's artifact disk is full; retrying the same upload cannot help.
        if (response.status < 500 || response.status === 507) throw new AppRefusal(response.status, message);
        throw new Error(message);
      } catch (error) {
        if (error instanceof AppRefusal || this.isClosed || Date.now() > deadline) throw error;
        await sleep(delay);
      }
    }
  }

  register(input: { name: string; arch: string; capacity: number; nixVersion: string | null }) {
    return this.call("/api/host/register", { json: input });
  }

  async heartbeat(running: { buildId: string; attempt: number }[]): Promise<{ stop: string[] }> {
    // The next heartbeat is the retry.
    return (await this.call("/api/host/heartbeat", { json: { running }, retryForMs: 0 })) as { stop: string[] };
  }

  async claim(buildId: string, attempt: number) {
    return claimBuildResponseSchema.parse(await this.call(`/api/host/builds/${buildId}/claim`, { json: { attempt } }));
  }

  phase(a: Attempt, event: { phase: string; progress: number; detail: string }) {
    return this.call(`${attemptPath(a)}/phase`, { token: a.token, json: event });
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
  return `/api/host/builds/${a.buildId}/attempts/${a.attempt}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
