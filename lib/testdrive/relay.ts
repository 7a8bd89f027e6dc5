import type { Redis } from "ioredis";
import { getRedis } from "../redis";

/**
 * A test-drive's bytes in Redis, written only by the app: `testdrive:{id}:out` holds what the console printed (the
 * host POSTs it), session states and the end, for the page's SSE reader; `testdrive:{id}:in` holds keys (the page
 * POSTs them), lease changes and the end, for the host's long poll. `testdrive:offers:{hostId}` wakes a host's poll.
 */
export const outKey = (sessionId: string) => `testdrive:${sessionId}:out`;
export const inKey = (sessionId: string) => `testdrive:${sessionId}:in`;
export const offersKey = (hostId: string) => `testdrive:offers:${hostId}`;
/** Set by each long poll of a host, for a little longer than one poll lasts: only a host that polls gets offers. */
export const pollingKey = (hostId: string) => `testdrive:polling:${hostId}`;
/** The latest screen picture (PNG), kept briefly. */
export const screenKey = (sessionId: string) => `testdrive:${sessionId}:screen`;

/** Enough scrollback for a reconnecting page; older console output is dropped. */
const MAX_OUT_ENTRIES = 5_000;
const MAX_IN_ENTRIES = 1_000;
/** Streams outlive the session a little, so readers see its end; and no stream outlives a day. */
const ENDED_TTL_SECONDS = 120;
const LIVE_TTL_SECONDS = 24 * 3600;

export type Entry = { id: string; fields: Record<string, string> };

export async function appendOut(sessionId: string, fields: Record<string, string>): Promise<void> {
  await append(outKey(sessionId), MAX_OUT_ENTRIES, fields);
}

export async function appendIn(sessionId: string, fields: Record<string, string>): Promise<void> {
  await append(inKey(sessionId), MAX_IN_ENTRIES, fields);
}

async function append(key: string, maxLen: number, fields: Record<string, string>): Promise<void> {
  await getRedis()
    .multi()
    .xadd(key, "MAXLEN", "~", maxLen, "*", ...Object.entries(fields).flat())
    .expire(key, LIVE_TTL_SECONDS)
    .exec();
}

/** Marks both streams with the end (waking their readers) and lets them expire. */
export async function appendEnd(sessionId: string, reason: string): Promise<void> {
  await appendOut(sessionId, { type: "end", reason });
  await appendIn(sessionId, { type: "end", reason });
  await getRedis().multi().expire(outKey(sessionId), ENDED_TTL_SECONDS).expire(inKey(sessionId), ENDED_TTL_SECONDS).del(screenKey(sessionId)).exec();
}

/** Keeps the latest screen picture and tells the page's console stream there is a new one. */
export async function putScreen(sessionId: string, png: Buffer): Promise<void> {
  await getRedis().set(screenKey(sessionId), png, "EX", 60);
  await appendOut(sessionId, { type: "screen" });
}

export async function getScreen(sessionId: string): Promise<Buffer | null> {
  return getRedis().getBuffer(screenKey(sessionId));
}

/** Entries after `afterId`, waiting up to `blockMs` on `redis` (a blocking connection) when there are none. */
export async function readEntries(redis: Redis, key: string, afterId: string, blockMs: number): Promise<Entry[]> {
  const reply = (await redis.xread("COUNT", 500, "BLOCK", blockMs, "STREAMS", key, afterId)) as [string, [string, string[]][]][] | null;
  const entries: Entry[] = [];
  for (const [id, flat] of reply?.[0]?.[1] ?? []) {
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    entries.push({ id, fields });
  }
  return entries;
}
