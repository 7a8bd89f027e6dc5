import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { newBlockingRedis } from "../redis";
import { readLogEvents, type LogEvent } from "../log-stream";
import { getBuildOrThrow } from "./queries";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const STREAM_ID = /^\d+-\d+$/;

function frame(event: LogEvent): string {
  const { id, type, ...data } = event;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A build's live log as Server-Sent Events, from the Redis stream. The event id is the stream id, so a browser
 * that reconnects (EventSource sends Last-Event-ID) resumes exactly after the last line it got.
 */
export async function streamBuildEvents({ actor, buildId, lastEventId, signal }: { actor: Actor; buildId: string; lastEventId: string | null; signal: AbortSignal }) {
  const build = await getBuildOrThrow({ actor, buildId });
  let cursor = lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : "0";
  const encoder = new TextEncoder();
  const redis = newBlockingRedis();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    redis.disconnect();
  };
  signal.addEventListener("abort", close);

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      send(`retry: 1000\nevent: status\ndata: ${JSON.stringify({ status: build.status, phase: build.phase, progress: build.progress, failureReason: build.failureReason })}\n\n`);
      try {
        while (!closed) {
          const events = await readLogEvents(redis, buildId, cursor, 5_000);
          for (const event of events) {
            cursor = event.id;
            send(frame(event));
            if (event.type === "end") return close();
          }
          if (events.length === 0) {
            // Quiet: the stream may be gone (expired, or Redis lost it); the database says whether it is over.
            const row = await getDb().build.findUnique({ where: { id: buildId }, select: { status: true, failureReason: true } });
            if (!row || TERMINAL.has(row.status)) {
              send(`event: end\ndata: ${JSON.stringify({ status: row?.status ?? "UNKNOWN", reason: row?.failureReason ?? "" })}\n\n`);
              return close();
            }
            send(": keep-alive\n\n");
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
