import { setTimeout as sleep } from "node:timers/promises";
import { nextTestDriveResponseSchema, testDriveLeaseSchema } from "@/contracts/testdrive";
import type { AppClient } from "../app-client";
import { runTestDrive, type RunningTestDrive } from "./session";

/**
 * How a build host learns about test-drives: it long-polls the app over HTTP with its host token (no Redis key is
 * involved: the host's Redis user stays limited to its build queue). Each session takes one of the host's build
 * slots: `onSessionsChange` lets the build worker take fewer jobs while sessions run. An offer beyond the free
 * slots is refused, whatever the app thought.
 */
export function startTestDriveHost({
  app,
  appUrl,
  workDir,
  capacity,
  buildsRunning,
  onSessionsChange,
  log,
}: {
  app: AppClient;
  appUrl: string;
  workDir: string;
  capacity: number;
  buildsRunning: () => number;
  onSessionsChange: (sessions: number) => void;
  log: (message: string) => void;
}) {
  const sessions = new Map<string, RunningTestDrive>();
  /** Told to stop and still stopping: not reported as running again (the app would answer "end" at once, again). */
  const ending = new Set<string>();
  let isClosed = false;
  void (async () => {
    while (!isClosed) {
      try {
        const answer = nextTestDriveResponseSchema.parse(
          await app.call("/api/host/testdrive/next", { json: { running: [...sessions.keys()].filter((id) => !ending.has(id)) }, retryForMs: 0 }),
        );
        for (const id of answer.end.filter((id) => sessions.has(id))) {
          ending.add(id);
          sessions.get(id)!.stop("the app ended the session");
        }
        const offer = answer.offer;
        if (!offer || isClosed) continue;
        if (sessions.has(offer.sessionId)) continue;
        if (sessions.size + buildsRunning() >= capacity) {
          const reason = `this host has no free slot (capacity ${capacity})`;
          await app.call(`/api/host/testdrive/${offer.sessionId}/state`, { token: offer.token, json: { state: "ended", reason }, retryForMs: 10_000 }).then(
            (a) => testDriveLeaseSchema.parse(a),
            () => undefined,
          );
          continue;
        }
        const drive = runTestDrive({ offer, app, appUrl, workDir, log });
        sessions.set(offer.sessionId, drive);
        onSessionsChange(sessions.size);
        void drive.done.finally(() => {
          sessions.delete(offer.sessionId);
          ending.delete(offer.sessionId);
          onSessionsChange(sessions.size);
        });
      } catch (error) {
        if (isClosed) break;
        log(`test-drive poll failed: ${(error as Error).message}`);
        await sleep(2_000);
      }
    }
  })();
  return {
    sessions,
    /** Ends every session (QEMU killed, the app told) and stops polling; the poll in flight ends within its wait. */
    close: async () => {
      isClosed = true;
      for (const drive of sessions.values()) drive.stop("the build host is stopping");
      await Promise.all([...sessions.values()].map((d) => d.done));
    },
  };
}
