import type { ServerResponse } from "node:http";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "../auth/actor";
import { getDb, queryRows } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { readLogEventsAfter, buildLogKey, type LogEvent } from "../log-stream";
import { ownedBuild } from "../ownership";
import { getRedis } from "../redis";
import { compareStreamIds, TERMINAL_STATUSES, watchBuildTail, type Batch, type Render } from "./log-tail";

export { liveLogTailCount } from "./log-tail";

const STREAM_ID = /^\d+-\d+$/;
/** How many builds one page's connection may watch (the builds list shows 50 a page). */
export const MAX_WATCHED_PER_CONNECTION = 100;
/** What the app buffers for one slow client before it stops sending and lets it catch up from Redis instead. */
const CLIENT_BUFFER_BYTES = 256 * 1024;
const KEEP_ALIVE_MS = 15_000;
const READ_COUNT = 500;
const STATUS_LOOKBACK = 200;

type BuildState = { id: string; status: string; phase: string | null; progress: number | null; failureReason: string | null };
/** "log": every event of the build; "status": only its phases and its end (a list of builds). */
type Kind = "log" | "status";

const { stringify } = JSON;
const payload = (event: LogEvent) => {
  const { id: _, type: __, ...data } = event;
  return data;
};

/** One build's stream (/api/builds/:id/events): the stream id is the SSE id, so EventSource resumes by itself. */
const renderSingle: Render = (_buildId, event) => `id: ${event.id}\nevent: ${event.type}\ndata: ${stringify(payload(event))}\n\n`;
/** A page's one connection (/api/live): each event names its build and carries its stream id; the client resumes. */
const renderHubLog: Render = (buildId, event) => `event: ${event.type}\ndata: ${stringify({ build: buildId, id: event.id, ...payload(event) })}\n\n`;
const renderHubStatus: Render = (buildId, event) => (event.type === "line" ? null : renderHubLog(buildId, event));

type Watch = { build: BuildState; kind: Kind; cursor: string | null };

/** One build followed by one connection: its cursor, and whether it is reading a gap from Redis right now. */
type Sub = {
  buildId: string;
  render: Render;
  cursor: string;
  isCatchingUp: boolean;
  isDirty: boolean;
  isEnded: boolean;
  over?: { status: string; reason: string };
  leave: () => void;
};

const encoder = new TextEncoder();

/**
 * Where a connection's bytes go. `write` takes every frame (the connection stops writing while `isStalled`, so at
 * most CLIENT_BUFFER_BYTES wait for a slow client); the sink calls `onDrained` when the client has read some of it
 * again and `onGone` when the client went away.
 */
export type LiveSink = {
  write(bytes: Uint8Array): void;
  readonly isStalled: boolean;
  end(): void;
  listen(events: { onDrained: () => void; onGone: () => void }): void;
};

/** Headers of every live-log response. */
export const LIVE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

/**
 * A Node.js response as the sink, written directly: the production server serves the live routes this way, in
 * front of Next.js (lib/builds/live-delivery.ts): a web stream piped into the response adds several promise hops to
 * every frame, and a line goes to every viewer of a build at once (docs/benchmarks.md, "Live logs to many viewers").
 */
export function responseSink(res: ServerResponse, headers: Record<string, string>): LiveSink {
  return {
    write(bytes) {
      if (!res.headersSent) res.writeHead(200, headers);
      res.write(bytes);
    },
    get isStalled() {
      return res.writableLength >= CLIENT_BUFFER_BYTES;
    },
    end: () => res.end(),
    listen({ onDrained, onGone }) {
      res.on("drain", onDrained);
      res.once("close", onGone);
    },
  };
}

/** A web stream as the sink, for the Next.js route handlers of the live routes (`next dev`). */
export function webStreamSink(signal: AbortSignal): { sink: LiveSink; stream: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let events: { onDrained: () => void; onGone: () => void } | undefined;
  const stream = new ReadableStream<Uint8Array>(
    { start: (c) => void (controller = c), pull: () => events?.onDrained(), cancel: () => events?.onGone() },
    new ByteLengthQueuingStrategy({ highWaterMark: CLIENT_BUFFER_BYTES }),
  );
  const sink: LiveSink = {
    write: (bytes) => controller.enqueue(bytes),
    get isStalled() {
      return (controller.desiredSize ?? 0) <= 0;
    },
    end() {
      try {
        controller.close();
      } catch {
        // already closed or cancelled by the client
      }
    },
    listen(listeners) {
      events = listeners;
      if (signal.aborted) listeners.onGone();
      else signal.addEventListener("abort", () => listeners.onGone(), { once: true });
    },
  };
  return { sink, stream };
}

/**
 * One Server-Sent Events connection following one or more builds. Each build's events come from its shared tail
 * (log-tail.ts) as ready-made bytes; a client that stops reading fills at most CLIENT_BUFFER_BYTES, after which it
 * gets nothing more until it drains, and then reads what it missed from Redis from its own cursor.
 */
class LiveConnection {
  private readonly subs = new Set<Sub>();
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly sink: LiveSink,
    private readonly options: { endsWithLastBuild: boolean; onClose: () => void },
    preamble: string,
  ) {
    this.keepAlive = setInterval(() => this.send(": keep-alive\n\n"), KEEP_ALIVE_MS);
    this.keepAlive.unref();
    this.send(preamble);
    sink.listen({ onDrained: () => this.wakeDrained(), onGone: () => this.close() });
  }

  private send(data: string | Uint8Array): void {
    if (this.closed) return;
    this.sink.write(typeof data === "string" ? encoder.encode(data) : data);
  }

  private get isStalled(): boolean {
    return this.sink.isStalled;
  }

  private wakeDrained(): void {
    if (this.isStalled) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private drained(): Promise<void> {
    if (this.closed || !this.isStalled) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Starts following a build: what its stream holds after `watch.cursor` first (a status watch: its last entries). */
  async follow({ build, kind, cursor }: Watch): Promise<void> {
    // A client gone before its builds were looked up must not leave a reader behind.
    if (this.closed) return;
    const render = this.options.endsWithLastBuild ? renderSingle : kind === "log" ? renderHubLog : renderHubStatus;
    if (!this.options.endsWithLastBuild) {
      this.send(
        `event: status\ndata: ${stringify({ build: build.id, status: build.status, phase: build.phase, progress: build.progress, failureReason: build.failureReason })}\n\n`,
      );
    }
    if (build.status === "UNKNOWN") {
      this.send(renderHubLog(build.id, { id: "0", type: "end", status: "UNKNOWN", reason: build.failureReason ?? "" })!);
      return;
    }
    const sub: Sub = { buildId: build.id, render, cursor: cursor ?? "0", isCatchingUp: true, isDirty: false, isEnded: false, leave: () => {} };
    this.subs.add(sub);
    // Join before reading what is there, so nothing written in between is missed.
    sub.leave = watchBuildTail(build.id, { onBatch: (batch) => this.onBatch(sub, batch), onOver: (status, reason) => this.onOver(sub, status, reason) });
    if (cursor === null) {
      // A status watch reads only the stream's last entries: their phases and end, which may have come between the
      // page's render and this connection (the whole log can be 200,000 lines).
      const recent = await getRedis().xrevrange(buildLogKey(build.id), "+", "-", "COUNT", STATUS_LOOKBACK);
      sub.cursor = recent.length === STATUS_LOOKBACK ? recent.at(-1)![0] : "0";
    }
    if (TERMINAL_STATUSES.has(build.status)) sub.over = { status: build.status, reason: build.failureReason ?? "" };
    await this.catchUp(sub);
  }

  private onBatch(sub: Sub, batch: Batch): void {
    if (this.closed || sub.isEnded) return;
    if (sub.isCatchingUp) {
      sub.isDirty = true;
      return;
    }
    if (compareStreamIds(sub.cursor, batch.from) < 0 || this.isStalled) {
      void this.catchUp(sub);
      return;
    }
    for (const frame of batch.frames(sub.render)) if (compareStreamIds(frame.id, sub.cursor) > 0) this.send(frame.bytes);
    const last = batch.events.at(-1);
    if (last && compareStreamIds(last.id, sub.cursor) > 0) sub.cursor = last.id;
    if (batch.events.some((e) => e.type === "end")) this.finish(sub);
  }

  private onOver(sub: Sub, status: string, reason: string): void {
    sub.over = { status, reason };
    if (sub.isCatchingUp) sub.isDirty = true;
    else void this.catchUp(sub);
  }

  /** Reads from Redis what came after the sub's cursor, waiting for the client to drain before each read. */
  private async catchUp(sub: Sub): Promise<void> {
    sub.isCatchingUp = true;
    try {
      do {
        sub.isDirty = false;
        for (;;) {
          await this.drained();
          if (this.closed || sub.isEnded) return;
          const events = await readLogEventsAfter(getRedis(), sub.buildId, sub.cursor, READ_COUNT);
          for (const event of events) {
            sub.cursor = event.id;
            const text = sub.render(sub.buildId, event);
            if (text !== null) this.send(text);
            if (event.type === "end") return this.finish(sub);
          }
          if (events.length < READ_COUNT) break;
        }
      } while (sub.isDirty);
      if (sub.over) {
        const end: LogEvent = { id: sub.cursor, type: "end", ...sub.over };
        this.send(sub.render === renderSingle ? `event: end\ndata: ${stringify(payload(end))}\n\n` : sub.render(sub.buildId, end)!);
        this.finish(sub);
      }
    } catch (error) {
      if (!this.closed) {
        console.warn(`live log ${sub.buildId}: ${(error as Error).message}`);
        this.close();
      }
    } finally {
      sub.isCatchingUp = false;
    }
  }

  private finish(sub: Sub): void {
    if (sub.isEnded) return;
    sub.isEnded = true;
    sub.leave();
    this.subs.delete(sub);
    if (this.options.endsWithLastBuild && this.subs.size === 0) {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const sub of this.subs) sub.leave();
    this.subs.clear();
    this.wakeDrained();
    for (const wake of this.drainWaiters) wake();
    this.drainWaiters = [];
    this.sink.end();
    this.options.onClose();
  }
}

// Module state lives on globalThis so Next.js dev reloads share it.
const globalForEvents = globalThis as unknown as { zxcvStreamsPerPerson?: Map<string, number> };
const streamsPerPerson = (globalForEvents.zxcvStreamsPerPerson ??= new Map());

/** Counts a person's open live connections; the returned function gives the slot back (once). */
function takeStreamSlot(actor: Actor): () => void {
  const open = streamsPerPerson.get(actor.id) ?? 0;
  if (open >= getEnv().LIVE_STREAMS_PER_PERSON) {
    throw new AppError(
      "RATE_LIMITED",
      `You have ${open} live logs open, the most one person may: close some build pages or scripts that follow a log, then reload`,
      { retryAfterSeconds: 10 },
    );
  }
  streamsPerPerson.set(actor.id, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (streamsPerPerson.get(actor.id) ?? 1) - 1;
    if (left > 0) streamsPerPerson.set(actor.id, left);
    else streamsPerPerson.delete(actor.id);
  };
}

const buildStateSelect = { id: true, status: true, phase: true, progress: true, failureReason: true } as const;

function open(actor: Actor, sink: LiveSink, endsWithLastBuild: boolean, preamble: string): LiveConnection {
  const release = takeStreamSlot(actor);
  return new LiveConnection(sink, { endsWithLastBuild, onClose: release }, preamble);
}

/**
 * A build's live log as Server-Sent Events, from the Redis stream. The event id is the stream id, so a browser
 * that reconnects (EventSource sends Last-Event-ID) resumes exactly after the last line it got. At most
 * LIVE_STREAMS_PER_PERSON connections at once per person (429 past that).
 */
export async function streamBuildEvents({ actor, buildId, lastEventId, sink }: { actor: Actor; buildId: string; lastEventId: string | null; sink: LiveSink }) {
  const build = await getDb().build.findFirst({ where: { id: buildId, ...ownedBuild(actor) }, select: buildStateSelect });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  const status = { status: build.status, phase: build.phase, progress: build.progress, failureReason: build.failureReason };
  const connection = open(actor, sink, true, `retry: 1000\nevent: status\ndata: ${stringify(status)}\n\n`);
  void connection.follow({ build, kind: "log", cursor: lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : "0" });
}

/** `/api/live?log=<id>:<cursor>&status=<id>,<id>`: the builds one page follows, its log ones with where to resume. */
export const liveQuery = z.strictObject({
  log: z
    .string()
    .regex(/^[\w-]{1,64}(:(0|\d+-\d+))?(,[\w-]{1,64}(:(0|\d+-\d+))?)*$/, "log must be build ids, each optionally with :<last event id>")
    .optional(),
  status: z
    .string()
    .regex(/^[\w-]{1,64}(,[\w-]{1,64})*$/, "status must be build ids separated by commas")
    .optional(),
});

/**
 * Every live build one page shows, on one connection (browsers allow 6 per host over HTTP/1.1): a build page
 * follows its log, a list page its builds' phases and ends. Events carry `build` and `id`; the page's hub
 * (components/live/) reconnects with each log's last id. A build that is not the actor's ends at once as UNKNOWN.
 */
export async function streamLiveEvents({ actor, query, sink }: { actor: Actor; query: z.infer<typeof liveQuery>; sink: LiveSink }) {
  const watches = new Map<string, { kind: Kind; cursor: string | null }>();
  for (const id of query.status?.split(",") ?? []) watches.set(id, { kind: "status", cursor: null });
  for (const item of query.log?.split(",") ?? []) {
    const [id, cursor] = item.split(":") as [string, string | undefined];
    watches.set(id, { kind: "log", cursor: cursor ?? "0" });
  }
  if (watches.size === 0) throw new AppError("BAD_REQUEST", "Name at least one build to follow: ?log=<build id> or ?status=<id>,<id>");
  if (watches.size > MAX_WATCHED_PER_CONNECTION) {
    throw new AppError("BAD_REQUEST", `One page follows at most ${MAX_WATCHED_PER_CONNECTION} builds at once (asked for ${watches.size})`);
  }
  // Plain SQL (lib/db.ts, queryRows): a page opens this right after a Build click, and waits on it for the first line.
  const builds = await queryRows<{ id: string; status: string; phase: string | null; progress: number | null; failureReason: string | null }>(
    Prisma.sql`SELECT id, status::text AS status, phase, progress, "failureReason" FROM "Build"
      WHERE id = ANY(${[...watches.keys()]}) AND "requestedById" = ${ownedBuild(actor).requestedById}`,
  );
  const found = new Map(builds.map((b) => [b.id, b]));
  const connection = open(actor, sink, false, "retry: 1000\n\n");
  for (const [id, watch] of watches) {
    const build = found.get(id) ?? { id, status: "UNKNOWN", phase: null, progress: null, failureReason: "No such build" };
    void connection.follow({ build, ...watch, cursor: found.has(id) ? watch.cursor : "0" });
  }
}
