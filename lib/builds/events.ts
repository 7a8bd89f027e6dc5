import type { Redis } from "ioredis";
import type { Actor } from "../auth/actor";
import { buildLogKey } from "../log-stream";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getRedis, newBlockingRedis } from "../redis";
import { readLogEventsAfter, type LogEvent } from "../log-stream";
import { getBuildOrThrow } from "./queries";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const STREAM_ID = /^\d+-\d+$/;
/** How many live logs one person may have open at once (tabs, scripts): each holds a connection to the app. */
export const MAX_STREAMS_PER_PERSON = 20;
const QUIET_MS = 5_000;

type Signal = { kind: "new" } | { kind: "quiet" } | { kind: "over"; status: string; reason: string };

/** One viewer's mailbox: signals coalesce (many "new" are one read), and "over" wins. */
class Mailbox {
  private pending: Signal | undefined;
  private waiter: ((signal: Signal) => void) | undefined;
  post(signal: Signal): void {
    if (this.pending?.kind === "over") return;
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake(signal);
    } else if (!this.pending || signal.kind !== "quiet") this.pending = signal;
  }
  next(): Promise<Signal> {
    const signal = this.pending;
    this.pending = undefined;
    return signal ? Promise.resolve(signal) : new Promise((resolve) => (this.waiter = resolve));
  }
}

/**
 * One blocking Redis connection per watched build, shared by all its viewers: it waits on the build's stream and
 * tells each viewer that there is something new (each then reads from its own cursor on the shared command
 * connection), or that the stream was quiet, or that the database says the build is over.
 */
class BuildTail {
  readonly viewers = new Set<Mailbox>();
  private readonly redis: Redis = newBlockingRedis();
  private closed = false;

  constructor(
    private readonly buildId: string,
    private readonly onIdle: () => void,
  ) {
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      const last = await getRedis().xrevrange(buildLogKey(this.buildId), "+", "-", "COUNT", 1);
      let cursor = last[0]?.[0] ?? "0-0";
      while (!this.closed) {
        const reply = (await this.redis.xread("COUNT", 100, "BLOCK", QUIET_MS, "STREAMS", buildLogKey(this.buildId), cursor)) as
          [string, [string, string[]][]][] | null;
        if (this.closed) break;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length) {
          cursor = entries[entries.length - 1]![0];
          this.broadcast({ kind: "new" });
          continue;
        }
        // Quiet: the stream may be gone (expired, or Redis lost it); the database says whether the build is over.
        const row = await getDb().build.findUnique({ where: { id: this.buildId }, select: { status: true, failureReason: true } });
        this.broadcast(
          !row || TERMINAL.has(row.status) ? { kind: "over", status: row?.status ?? "UNKNOWN", reason: row?.failureReason ?? "" } : { kind: "quiet" },
        );
      }
    } catch (error) {
      if (!this.closed) {
        console.warn(`events ${this.buildId}: ${(error as Error).message}`);
        this.broadcast({ kind: "over", status: "UNKNOWN", reason: "the live log is unavailable: reload the page" });
      }
    } finally {
      this.close();
    }
  }

  private broadcast(signal: Signal): void {
    for (const viewer of this.viewers) viewer.post(signal);
  }

  leave(viewer: Mailbox): void {
    this.viewers.delete(viewer);
    if (this.viewers.size === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
    this.onIdle();
  }
}

// Module state lives on globalThis so Next.js dev reloads share it.
const globalForEvents = globalThis as unknown as { zxcvTails?: Map<string, BuildTail>; zxcvStreamsPerPerson?: Map<string, number> };
const tails = (globalForEvents.zxcvTails ??= new Map());
const streamsPerPerson = (globalForEvents.zxcvStreamsPerPerson ??= new Map());

function joinTail(buildId: string, viewer: Mailbox): BuildTail {
  let tail = tails.get(buildId);
  if (!tail) {
    const created: BuildTail = new BuildTail(buildId, () => tails.get(buildId) === created && tails.delete(buildId));
    tails.set(buildId, created);
    tail = created;
  }
  tail.viewers.add(viewer);
  return tail;
}

/** Counts a person's open live logs; the returned function gives the slot back (once). */
function takeStreamSlot(actor: Actor): () => void {
  const open = streamsPerPerson.get(actor.id) ?? 0;
  if (open >= MAX_STREAMS_PER_PERSON) {
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

/** How many Redis connections the live logs hold now (one per watched build), for tests and the bench. */
export function liveLogTailCount(): number {
  return tails.size;
}

function frame(event: LogEvent): string {
  const { id, type, ...data } = event;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A build's live log as Server-Sent Events, from the Redis stream. The event id is the stream id, so a browser
 * that reconnects (EventSource sends Last-Event-ID) resumes exactly after the last line it got. At most
 * MAX_STREAMS_PER_PERSON at once per person (429 past that).
 */
export async function streamBuildEvents({
  actor,
  buildId,
  lastEventId,
  signal,
}: {
  actor: Actor;
  buildId: string;
  lastEventId: string | null;
  signal: AbortSignal;
}) {
  const build = await getBuildOrThrow({ actor, buildId });
  const release = takeStreamSlot(actor);
  let cursor = lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : "0";
  const encoder = new TextEncoder();
  const mailbox = new Mailbox();
  let tail: BuildTail | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    tail?.leave(mailbox);
    mailbox.post({ kind: "over", status: "", reason: "" });
    release();
  };
  signal.addEventListener("abort", close);

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const end = (status: string, reason: string) => send(`event: end\ndata: ${JSON.stringify({ status, reason })}\n\n`);
      /** Sends what is new after the cursor; true once the log's end has been sent. */
      const catchUp = async (): Promise<boolean> => {
        for (;;) {
          const events = await readLogEventsAfter(getRedis(), buildId, cursor);
          for (const event of events) {
            cursor = event.id;
            send(frame(event));
            if (event.type === "end") return true;
          }
          if (events.length < 500) return false;
        }
      };
      send(
        `retry: 1000\nevent: status\ndata: ${JSON.stringify({ status: build.status, phase: build.phase, progress: build.progress, failureReason: build.failureReason })}\n\n`,
      );
      try {
        // Join before catching up, so nothing written in between is missed (a "new" may then read nothing).
        tail = joinTail(buildId, mailbox);
        let over = await catchUp();
        if (!over && TERMINAL.has(build.status)) {
          end(build.status, build.failureReason ?? "");
          over = true;
        }
        while (!over && !closed) {
          const next = await mailbox.next();
          if (next.kind === "new") over = await catchUp();
          else if (next.kind === "quiet") send(": keep-alive\n\n");
          else {
            if (!closed && !(await catchUp())) end(next.status, next.reason);
            over = true;
          }
        }
      } catch (error) {
        if (!closed) console.warn(`events ${buildId}: ${(error as Error).message}`);
      } finally {
        close();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      }
    },
    cancel: close,
  });
}
