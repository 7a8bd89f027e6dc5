import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { MAX_CONSOLE_CHUNK_BYTES, testDriveInputResponseSchema, testDriveLeaseSchema, type TestDriveOffer } from "@/contracts/testdrive";
import { AppRefusal, type AppClient } from "../app-client";
import { isoForTestDrive } from "./iso";
import { startTestDriveQemu, type TestDriveQemu } from "./qemu";
import { relayScreen } from "./screen";

/** The host keeps its own clock too: QEMU stops this long after the last limit the app announced, answer or not. */
const GRACE_MS = 5_000;

export type RunningTestDrive = { sessionId: string; stop: (why: string) => void; done: Promise<void> };

/**
 * One test-drive on this host: the ISO (own store, else from the app), QEMU, and the relay of its serial console
 * (output POSTed as it comes, keys long-polled) and of its screen (a picture a second). It ends when the app says so, when the limit the app announced
 * passes on this host's clock, or when QEMU exits; then QEMU is killed and its folder removed.
 */
export function runTestDrive({
  offer,
  app,
  appUrl,
  workDir,
  log,
}: {
  offer: TestDriveOffer;
  app: AppClient;
  appUrl: string;
  workDir: string;
  log: (message: string) => void;
}): RunningTestDrive {
  const { sessionId, token } = offer;
  const path = `/api/host/testdrive/${sessionId}`;
  const dir = join(workDir, "testdrive", sessionId);
  let qemu: TestDriveQemu | undefined;
  let stoppedBecause: string | undefined;
  let isEndedByApp = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = (why: string) => {
    if (stoppedBecause) return;
    stoppedBecause = why;
    clearTimeout(timer);
    qemu?.kill();
  };
  const lease = ({ ended, endsInMs }: { ended: boolean; endsInMs: number }) => {
    if (ended) {
      isEndedByApp = true;
      return stop("the app ended the session");
    }
    clearTimeout(timer);
    timer = setTimeout(() => stop("the time limit was reached"), endsInMs + GRACE_MS);
  };
  lease({ ended: false, endsInMs: offer.endsInMs });

  const pending: Buffer[] = [];
  let isSending = false;
  const flush = async () => {
    if (isSending) return;
    isSending = true;
    try {
      while (pending.length && !stoppedBecause) {
        const all = Buffer.concat(pending.splice(0));
        const chunk = all.subarray(0, MAX_CONSOLE_CHUNK_BYTES);
        if (all.length > chunk.length) pending.unshift(all.subarray(chunk.length));
        lease(testDriveLeaseSchema.parse(await app.call(`${path}/output`, { token, json: { data: chunk.toString("base64") }, retryForMs: 10_000 })));
      }
    } catch (error) {
      stop(`the app did not take the console output (${(error as Error).message})`);
    } finally {
      isSending = false;
    }
  };

  const relayKeys = async () => {
    let after = "0";
    while (!stoppedBecause) {
      try {
        const answer = testDriveInputResponseSchema.parse(await app.call(`${path}/input`, { token, json: { after }, retryForMs: 10_000 }));
        after = answer.after;
        if (answer.keys) qemu?.write(Buffer.from(answer.keys, "base64"));
        lease(answer);
      } catch (error) {
        if (error instanceof AppRefusal) return stop(`the app refused the session (${error.message})`);
        await sleep(1_000);
      }
    }
  };

  const done = (async () => {
    mkdirSync(dir, { recursive: true });
    try {
      const iso = await isoForTestDrive({ offer, appUrl, dir });
      log(
        `test-drive ${sessionId}: booting ${offer.firmware.toUpperCase()} from the ISO in ${iso.source === "store" ? "this host's store" : "a download from the app"}`,
      );
      if (stoppedBecause) return;
      qemu = startTestDriveQemu({
        name: `zxcv-testdrive-${sessionId}`,
        isoPath: iso.path,
        firmware: offer.firmware,
        memoryMb: offer.memoryMb,
        dir,
        onOutput: (bytes) => {
          pending.push(bytes);
          void flush();
        },
      });
      lease(testDriveLeaseSchema.parse(await app.call(`${path}/state`, { token, json: { state: "running" }, retryForMs: 10_000 })));
      void relayKeys();
      void relayScreen({
        dir,
        isOver: () => stoppedBecause,
        send: async (png) =>
          lease(testDriveLeaseSchema.parse(await app.call(`${path}/screen`, { token, json: { png: png.toString("base64") }, retryForMs: 5_000 }))),
      });
      const how = await qemu.exited;
      stop(how);
    } catch (error) {
      stop((error as Error).message);
    } finally {
      qemu?.kill();
      await qemu?.exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      log(`test-drive ${sessionId}: ended (${stoppedBecause})`);
      if (!isEndedByApp)
        await app.call(`${path}/state`, { token, json: { state: "ended", reason: stoppedBecause ?? "ended" }, retryForMs: 10_000 }).catch(() => undefined);
    }
  })();
  return { sessionId, stop, done };
}
