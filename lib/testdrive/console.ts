import type { Actor } from "../auth/actor";
import { AppError } from "../errors";
import { newBlockingRedis } from "../redis";
import { endTestDrive, getTestDriveOrThrow, getTestDriveView, overdueReason } from "../testdrive";
import { appendIn, getScreen, outKey, readEntries } from "./relay";

const STREAM_ID = /^\d+-\d+$/;
/** How often a quiet console re-checks the session's limits. */
const QUIET_MS = 1_000;
/** A page that reconnects (a reload, React's double effect in development) within this keeps its session. */
const RECONNECT_GRACE_MS = 2_000;
/** Open console streams per session in this process. */
const openStreams = new Map<string, number>();

/** The page closed its console: the session ends unless a console of it is open again soon. */
function onConsoleClosed(sessionId: string): void {
  const left = (openStreams.get(sessionId) ?? 1) - 1;
  if (left > 0) openStreams.set(sessionId, left);
  else openStreams.delete(sessionId);
  setTimeout(() => {
    if (!openStreams.has(sessionId)) void endTestDrive({ sessionId, reason: "The page was closed" }).catch(() => undefined);
  }, RECONNECT_GRACE_MS).unref();
}

/**
 * The page's side of a test-drive as Server-Sent Events: `state` (the session, first and on every change), `out`
 * (console bytes, base64, id = stream id for resuming), `screen` (a new picture of the screen) and `end` (the reason). The page closing the stream ends
 * the session (unless it reconnects within 2 s): a closed tab leaves nothing running on the host.
 */
export async function streamTestDriveConsole({
  actor,
  sessionId,
  lastEventId,
  signal,
}: {
  actor: Actor;
  sessionId: string;
  lastEventId: string | null;
  signal: AbortSignal;
}): Promise<ReadableStream<Uint8Array>> {
  let session = await getTestDriveOrThrow({ actor, sessionId });
  const encoder = new TextEncoder();
  const redis = newBlockingRedis();
  let closed = false;
  openStreams.set(sessionId, (openStreams.get(sessionId) ?? 0) + 1);
  const stop = () => {
    if (closed) return;
    closed = true;
    redis.disconnect();
    onConsoleClosed(sessionId);
  };
  return new ReadableStream<Uint8Array>({
    start: async (controller) => {
      const send = (event: string, data: string, id?: string) =>
        controller.enqueue(encoder.encode(`${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${data}\n\n`));
      signal.addEventListener("abort", stop, { once: true });
      try {
        send("state", JSON.stringify(await getTestDriveView({ actor, sessionId })));
        if (session.status === "ENDED") {
          send("end", session.endReason ?? "This test-drive has ended");
          return;
        }
        let cursor = lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : "0";
        while (!closed) {
          const entries = await readEntries(redis, outKey(sessionId), cursor, QUIET_MS);
          for (const { id, fields } of entries) {
            cursor = id;
            if (fields.type === "out") send("out", fields.data ?? "", id);
            else if (fields.type === "screen") send("screen", id);
            else if (fields.type === "state") {
              session = await getTestDriveOrThrow({ actor, sessionId });
              send("state", fields.view ?? "{}");
            } else if (fields.type === "end") {
              send("end", fields.reason ?? "This test-drive has ended");
              return;
            }
          }
          const overdue = overdueReason(session);
          if (overdue) await endTestDrive({ sessionId, reason: overdue });
          else if (entries.length === 0 && session.status !== "RUNNING") session = await getTestDriveOrThrow({ actor, sessionId });
        }
      } catch (error) {
        if (!closed) send("end", `The console is unavailable (${(error as Error).message}): start a new test-drive`);
      } finally {
        stop();
        try {
          controller.close();
        } catch {
          /* the client went away first */
        }
      }
    },
    cancel: stop,
  });
}

/** Keys typed in the page, for the host's next input poll. */
export async function sendTestDriveKeys({ actor, sessionId, data }: { actor: Actor; sessionId: string; data: string }) {
  const session = await getTestDriveOrThrow({ actor, sessionId });
  if (session.status === "ENDED") throw new AppError("CONFLICT", `This test-drive has ended (${session.endReason ?? "ended"}): start a new one`);
  await appendIn(sessionId, { type: "keys", data: Buffer.from(data, "utf8").toString("base64") });
  return { ok: true };
}

/** The latest picture of the session's screen (PNG), or a 404 before the first. */
export async function getTestDriveScreen({ actor, sessionId }: { actor: Actor; sessionId: string }): Promise<Buffer> {
  await getTestDriveOrThrow({ actor, sessionId });
  const png = await getScreen(sessionId);
  if (!png) throw new AppError("NOT_FOUND", "No picture of the screen yet");
  return png;
}
