import type { Redis } from "ioredis";
import { getDb } from "../db";
import { buildLogKey, toLogEvent, type LogEvent } from "../log-stream";
import { getRedis, newBlockingRedis } from "../redis";

export const TERMINAL_STATUSES = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const QUIET_MS = 5_000;
const BATCH = 200;

/**
 * Events the tail read in one XREAD: contiguous after `from` (the tail's cursor before the read), so a viewer whose
 * own cursor is at or past `from` misses nothing by taking them; one further back reads the gap from Redis itself.
 */
export type Batch = { buildId: string; from: string; events: LogEvent[]; frames: (render: Render) => { id: string; bytes: Uint8Array }[] };
/** An event as Server-Sent Events text for one kind of viewer, or null when that kind does not get it. */
export type Render = (buildId: string, event: LogEvent) => string | null;

/** What a tail tells its viewers: new events, or that the database says the build is over while its stream is quiet. */
export type TailViewer = { onBatch: (batch: Batch) => void; onOver: (status: string, reason: string) => void };

/** Stream ids are `<ms>-<seq>`; "0" is before everything. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}

const encoder = new TextEncoder();

function batchOf(buildId: string, from: string, events: LogEvent[]): Batch {
  // Every viewer of the same kind gets the same bytes: each render is done once per batch, not once per viewer.
  const rendered = new Map<Render, { id: string; bytes: Uint8Array }[]>();
  return {
    buildId,
    from,
    events,
    frames(render) {
      let frames = rendered.get(render);
      if (!frames) {
        frames = [];
        for (const event of events) {
          const text = render(buildId, event);
          if (text !== null) frames.push({ id: event.id, bytes: encoder.encode(text) });
        }
        rendered.set(render, frames);
      }
      return frames;
    },
  };
}

/**
 * The one reader of a watched build's Redis stream in this process: a blocking connection of its own, shared by
 * every viewer of the build (every tab and script of every person), handing each batch to all of them. It ends
 * when its last viewer leaves, or when the stream ended.
 */
class BuildTail {
  readonly viewers = new Set<TailViewer>();
  private readonly redis: Redis = newBlockingRedis();
  private closed = false;

  constructor(
    private readonly buildId: string,
    private readonly onClosed: () => void,
  ) {
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      const last = await getRedis().xrevrange(buildLogKey(this.buildId), "+", "-", "COUNT", 1);
      let cursor = last[0]?.[0] ?? "0-0";
      while (!this.closed) {
        const reply = (await this.redis.xread("COUNT", BATCH, "BLOCK", QUIET_MS, "STREAMS", buildLogKey(this.buildId), cursor)) as
          [string, [string, string[]][]][] | null;
        if (this.closed) break;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length) {
          const events = entries.map(([id, fields]) => toLogEvent(id, fields)).filter((e): e is LogEvent => Boolean(e));
          const batch = batchOf(this.buildId, cursor, events);
          cursor = entries[entries.length - 1]![0];
          for (const viewer of this.viewers) viewer.onBatch(batch);
          if (events.some((e) => e.type === "end")) break;
          continue;
        }
        // Quiet: the stream may be gone (expired, or Redis lost it); the database says whether the build is over.
        const row = await getDb().build.findUnique({ where: { id: this.buildId }, select: { status: true, failureReason: true } });
        if (!row || TERMINAL_STATUSES.has(row.status)) {
          for (const viewer of this.viewers) viewer.onOver(row?.status ?? "UNKNOWN", row?.failureReason ?? "");
          break;
        }
      }
    } catch (error) {
      if (!this.closed) {
        console.warn(`live log ${this.buildId}: ${(error as Error).message}`);
        for (const viewer of this.viewers) viewer.onOver("UNKNOWN", "the live log is unavailable: reload the page");
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
    this.onClosed();
  }
}

// Module state lives on globalThis so Next.js dev reloads share it.
const globalForTails = globalThis as unknown as { zxcvTails?: Map<string, BuildTail> };
const tails = (globalForTails.zxcvTails ??= new Map<string, BuildTail>());

/**
 * Adds a viewer to the build's tail (starting one if none runs); the returned function removes it, and the tail
 * stops with its last viewer. Join before reading what the stream already holds, so nothing falls in between.
 */
export function watchBuildTail(buildId: string, viewer: TailViewer): () => void {
  let tail = tails.get(buildId);
  if (!tail) {
    const created: BuildTail = new BuildTail(buildId, () => {
      if (tails.get(buildId) === created) tails.delete(buildId);
    });
    tails.set(buildId, created);
    tail = created;
  }
  tail.viewers.add(viewer);
  const joined = tail;
  return () => {
    joined.viewers.delete(viewer);
    if (joined.viewers.size === 0) joined.close();
  };
}

/** How many Redis readers the live logs hold now (one per watched build), for tests. */
export function liveLogTailCount(): number {
  return tails.size;
}
