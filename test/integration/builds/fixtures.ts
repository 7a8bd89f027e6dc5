import { randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { requiredBootFirmwares, type BuildResult } from "@/contracts/build-result";
import { defaultSelection, selectionHash, selectionSchema, type Selection } from "@/contracts/selection";
import type { Actor } from "@/lib/auth/actor";
import { createSession } from "@/lib/auth/sessions";
import { getChannelOrThrow } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { ensureLocalBuildHost } from "@/lib/hosts";
import { isBuildActive } from "@/lib/builds/state";
import { getWorkerEnv, type WorkerEnv } from "@/worker/env";
import { waitFor } from "@/test/support/wait";

export async function makeActor(label: string): Promise<Actor & { cookie: string }> {
  const email = `${label}-${randomUUID()}@example.test`;
  const user = await getDb().user.create({ data: { email, name: label, passwordHash: "unused" } });
  const session = await createSession(user.id);
  return { id: user.id, role: user.role, email, name: label, cookie: `zxcv_session=${session.token}` };
}

/** A machine with one profile and `count` revisions of the mini channel's default selection. */
export async function makeRevisions(actor: Actor, count = 1, selection?: Selection): Promise<string[]> {
  const channel = await getChannelOrThrow("mini");
  const chosen = selection ?? defaultSelection(channel.catalog);
  const db = getDb();
  const machine = await db.machine.create({ data: { ownerId: actor.id, name: `m-${randomUUID().slice(0, 8)}`, arch: "x86_64" } });
  const profile = await db.profile.create({ data: { machineId: machine.id, name: "p", channel: "mini" } });
  const ids: string[] = [];
  for (let number = 1; number <= count; number++) {
    const revision = await db.profileRevision.create({ data: { profileId: profile.id, number, selection: chosen, configHash: selectionHash(chosen) } });
    ids.push(revision.id);
  }
  return ids;
}

export async function hostEnv(appUrl: string, name = `test-host-${randomUUID().slice(0, 8)}`, extra: Record<string, string> = {}): Promise<WorkerEnv> {
  const token = await ensureLocalBuildHost({ name, arch: "x86_64" });
  return getWorkerEnv(<NodeJS.ProcessEnv>(<unknown>{
    REDIS_URL: process.env.REDIS_URL,
    APP_URL: appUrl,
    ZXCV_HOST_TOKEN: token,
    ZXCV_HOST_NAME: name,
    ZXCV_WORK_DIR: `/tmp/zxcv-test-worker-${name}`,
    ZXCV_HEARTBEAT_MS: "300",
    ZXCV_LOCK_MS: "1500",
    ZXCV_BOOT_TEST: "1",
    ...extra,
  }));
}

export function spawnChildHost(env: WorkerEnv, fakeBuildMs: number): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/integration/builds/child-host.ts"], {
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v === true ? "1" : v === false ? "0" : v)])),
      FAKE_BUILD_MS: String(fakeBuildMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child host did not start:\n${output}`)), 20_000);
    child.stdout!.on("data", () => {
      if (output.includes("host ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`child host exited ${code}:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

export async function getBuild(buildId: string) {
  return getDb().build.findUniqueOrThrow({ where: { id: buildId }, include: { artifacts: true, host: true } });
}

export function waitForStatus(buildId: string, status: string, timeoutMs = 30_000) {
  return waitFor(
    `build ${buildId} to be ${status}`,
    async () => {
      const build = await getBuild(buildId);
      if (build.status !== status && !isBuildActive(build.status)) {
        throw new Error(`build ${buildId} is ${build.status} (${build.failureReason}), expected ${status}`);
      }
      return build.status === status ? build : undefined;
    },
    timeoutMs,
  );
}

/** One call as a build host makes it, answering the status and the JSON body. */
export async function hostCall(
  appUrl: string,
  path: string,
  token: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: Buffer } = {},
) {
  const call = () =>
    fetch(`${appUrl}${path}`, {
      method: init.method ?? "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": init.raw ? "application/octet-stream" : "application/json", ...init.headers },
      body: (init.raw ? new Uint8Array(init.raw) : init.body === undefined ? undefined : JSON.stringify(init.body)) as BodyInit | undefined,
    });
  // A kept-alive socket the server closed after an aborted upload fails once; a real host retries too.
  const response = await call().catch(() => call());
  return { status: response.status, json: (await response.json().catch(() => ({}))) as any };
}

/**
 * A PUT whose answer is read even when the server answers before the whole body went out (it refuses an upload
 * early) and then closes the connection under the rest of the body.
 */
export function rawPut(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // Its own connection: the server stops reading a refused body, so a kept-alive socket would not be reusable.
    const req = request(url, { method: "PUT", agent: false, headers: { "content-length": String(body.length), ...headers } }, (res) => {
      answered = true;
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

/** A result that honestly describes this build and the given ISO, as the engine would report it (tests alter it). */
export async function resultFor(buildId: string, iso: { sha256: string; isoSizeBytes: number }): Promise<BuildResult> {
  const build = await getDb().build.findUniqueOrThrow({ where: { id: buildId }, include: { revision: true } });
  const selection = selectionSchema.parse(build.revision.selection);
  return {
    version: 1,
    channel: build.channel,
    channelRevision: build.channelRevision,
    arch: build.arch as BuildResult["arch"],
    selectionHash: selectionHash(selection),
    drvPath: "/nix/store/x-zxcv-mini.iso.drv",
    outPath: "/nix/store/x-zxcv-mini.iso",
    isoPath: "/nix/store/x-zxcv-mini.iso/zxcv-mini.iso",
    ...iso,
    closureBytes: 1,
    inputClosureBytes: 1,
    nixVersion: "nix (Nix) 2.8.0",
    host: "by-hand",
    builtDerivations: 0,
    builtDerivationNames: [],
    bootTests: requiredBootFirmwares(selection).map((firmware) => ({ firmware, passed: true, marker: `ZXCV-MARKER by-hand ${firmware}`, seconds: 1 })),
    durations: { preparing: 0, evaluating: 0, realising: 0, "boot-test": 0, hashing: 0 },
  };
}
