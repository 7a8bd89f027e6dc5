// Shared by test/integration/testdrive.test.ts and bench/testdrive.ts: a succeeded build seeded with a real ISO, a
// test-drive's console read as the page reads it, and a host's worker known to poll for test-drives.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getArtifactStorage, storageKeyFor } from "@/lib/artifacts/storage";
import { getDb } from "@/lib/db";
import { getRedis } from "@/lib/redis";
import { pollingKey } from "@/lib/testdrive/relay";
import { makeRevisions, resultFor } from "./fixtures";
import { waitFor } from "@/test/support/wait";
import type { Actor } from "@/lib/auth/actor";

export type SeededIso = { path: string; sha256: string; size: number; storePath: string };

/**
 * A succeeded build of `actor` whose ISO is `iso`: rows plus the file in artifact storage, on a channel revision of
 * its own (so no other build is ever reused for it, nor it for them). `storePath` is what the result says the host
 * kept (a gone path makes a host download the ISO from the app).
 */
export async function seedSucceededBuild(actor: Actor, iso: SeededIso): Promise<string> {
  const db = getDb();
  const [revisionId] = await makeRevisions(actor);
  const revision = await db.profileRevision.findUniqueOrThrow({ where: { id: revisionId! } });
  const build = await db.build.create({
    data: {
      revisionId: revision.id,
      requestedById: actor.id,
      status: "SUCCEEDED",
      arch: "x86_64",
      channel: "mini",
      channelRevision: "testdrive-fixture",
      configHash: revision.configHash,
      finishedAt: new Date(),
    },
  });
  const result = { ...(await resultFor(build.id, { sha256: iso.sha256, isoSizeBytes: iso.size })), isoPath: iso.storePath };
  const storageKey = storageKeyFor({ buildId: build.id, attempt: 1, kind: "ISO" });
  await getArtifactStorage().put(storageKey, createReadStream(iso.path), { sizeBytes: iso.size, sha256: iso.sha256 });
  await db.build.update({ where: { id: build.id }, data: { result } });
  await db.artifact.create({ data: { buildId: build.id, kind: "ISO", fileName: "zxcv.iso", sizeBytes: BigInt(iso.size), sha256: iso.sha256, storageKey } });
  return build.id;
}

/**
 * The page's side of a test-drive: the SSE console (bytes, states, the end) and keys POSTed as the page posts them.
 * `until` resolves as soon as an event makes its check true (no polling: the bench times round trips with it).
 */
export function openTestDriveConsole({ appUrl, sessionId, cookie, origin }: { appUrl: string; sessionId: string; cookie: string; origin: string }) {
  const controller = new AbortController();
  const state = { bytes: Buffer.alloc(0), end: null as string | null, error: null as string | null, states: [] as { status: string }[], screens: 0 };
  const checks = new Set<() => void>();
  let isDone = false;
  const done = (async () => {
    const response = await fetch(`${appUrl}/api/testdrive/${sessionId}/console`, { headers: { cookie }, signal: controller.signal });
    if (response.status !== 200) throw new Error(`the console answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    let buffer = "";
    for await (const chunk of Readable.fromWeb(response.body! as WebReadableStream)) {
      buffer += Buffer.from(chunk).toString("utf8");
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
        if (event === "out") state.bytes = Buffer.concat([state.bytes, Buffer.from(data, "base64")]);
        if (event === "state") state.states.push(JSON.parse(data));
        if (event === "screen") state.screens += 1;
        if (event === "end") state.end = data;
      }
      for (const check of checks) check();
    }
  })()
    // Closing it aborts the request; any other failure is what `until` reports.
    .catch((error: Error) => {
      if (!controller.signal.aborted) state.error = error.message;
    })
    .finally(() => {
      isDone = true;
      for (const check of checks) check();
    });
  return {
    state,
    text: () => state.bytes.toString("utf8"),
    until: (what: string, check: () => boolean, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
        const run = () => {
          if (check()) finish();
          else if (isDone) finish(new Error(`the console ended before ${what} (${state.end ?? state.error ?? "no end event"})`));
        };
        const finish = (error?: Error) => {
          clearTimeout(timer);
          checks.delete(run);
          if (error) reject(error);
          else resolve();
        };
        checks.add(run);
        run();
      }),
    type: (data: string) =>
      fetch(`${appUrl}/api/testdrive/${sessionId}/keys`, {
        method: "POST",
        headers: { cookie, origin, "content-type": "application/json" },
        body: JSON.stringify({ data }),
      }),
    close: async () => {
      controller.abort();
      await done;
    },
    done,
  };
}

/** Waits until the named host's worker polls for test-drives (only a polling host is offered sessions). */
export async function waitForTestDrivePolling(hostName: string): Promise<string> {
  return waitFor(`host ${hostName} to poll for test-drives`, async () => {
    const host = await getDb().buildHost.findUnique({ where: { name: hostName }, select: { id: true } });
    return host && (await getRedis().exists(pollingKey(host.id))) === 1 ? host.id : null;
  });
}
