import type { Redis } from "ioredis";
import type { PhaseEvent } from "@/contracts/jobs";

/**
 * A running build's log is a Redis stream, `build:{id}:log`: the app XADDs what a host posts for its attempt, the
 * SSE route XREADs from the client's Last-Event-ID. Finished logs live in artifact storage; the stream then expires.
 * Build hosts never touch it: they post lines over HTTP (app/api/host/builds/.../log).
 */
export const buildLogKey = (buildId: string) => `build:${buildId}:log`;
export type LogEvent =
  | { id: string; type: "line"; text: string }
  | { id: string; type: "phase"; phase: PhaseEvent["phase"]; progress: number; detail: string }
  | { id: string; type: "end"; status: string; reason: string };

const MAX_ENTRIES = 200_000;
/** How long a finished build's stream stays, so connected pages read the last lines before switching to the artifact. */
export const FINISHED_STREAM_TTL_SECONDS = 120;

export async function appendLogLines(redis: Redis, buildId: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const pipeline = redis.pipeline();
  for (const text of lines) pipeline.xadd(buildLogKey(buildId), "MAXLEN", "~", MAX_ENTRIES, "*", "type", "line", "text", text);
  await pipeline.exec();
}

export async function appendPhase(redis: Redis, buildId: string, event: PhaseEvent): Promise<void> {
  await redis.xadd(buildLogKey(buildId), "*", "type", "phase", "phase", event.phase, "progress", String(event.progress), "detail", event.detail);
}

export async function appendEnd(redis: Redis, buildId: string, status: string, reason = ""): Promise<void> {
  await redis.xadd(buildLogKey(buildId), "*", "type", "end", "status", status, "reason", reason);
  await redis.expire(buildLogKey(buildId), FINISHED_STREAM_TTL_SECONDS);
}

export async function deleteLogStream(redis: Redis, buildId: string): Promise<void> {
  await redis.del(buildLogKey(buildId));
}

/** One stream entry as an event (undefined for a type this version does not know). */
export function toLogEvent(id: string, fields: string[]): LogEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  switch (map.get("type")) {
    case "line":
      return { id, type: "line", text: map.get("text") ?? "" };
    case "phase":
      return { id, type: "phase", phase: map.get("phase") as PhaseEvent["phase"], progress: Number(map.get("progress") ?? 0), detail: map.get("detail") ?? "" };
    case "end":
      return { id, type: "end", status: map.get("status") ?? "", reason: map.get("reason") ?? "" };
    default:
      return undefined;
  }
}

/** Events after `afterId` ("0" for all), waiting up to `blockMs` for new ones when there are none. */
export async function readLogEvents(redis: Redis, buildId: string, afterId: string, blockMs: number, count = 500): Promise<LogEvent[]> {
  const reply = (await redis.xread("COUNT", count, "BLOCK", blockMs, "STREAMS", buildLogKey(buildId), afterId)) as [string, [string, string[]][]][] | null;
  if (!reply) return [];
  const events: LogEvent[] = [];
  for (const [, entries] of reply)
    for (const [id, fields] of entries) {
      const event = toLogEvent(id, fields);
      if (event) events.push(event);
    }
  return events;
}

/** Up to `count` events after `afterId` ("0" for all), without blocking (a live-log viewer catching up). */
export async function readLogEventsAfter(redis: Redis, buildId: string, afterId: string, count = 500): Promise<LogEvent[]> {
  const entries = await redis.xrange(buildLogKey(buildId), afterId === "0" ? "-" : `(${afterId}`, "+", "COUNT", count);
  return entries.map(([id, fields]) => toLogEvent(id, fields)).filter((e): e is LogEvent => Boolean(e));
}

/** The stream so far, without blocking (for the bench and tests). */
export async function readAllLogEvents(redis: Redis, buildId: string): Promise<LogEvent[]> {
  const entries = await redis.xrange(buildLogKey(buildId), "-", "+");
  return entries.map(([id, fields]) => toLogEvent(id, fields)).filter((e): e is LogEvent => Boolean(e));
}
