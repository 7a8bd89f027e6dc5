import { randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { defaultSelection, selectionHash, type Selection } from "@/contracts/selection";
import type { Actor } from "@/lib/auth/actor";
import { createSession } from "@/lib/auth/sessions";
import { getChannelOrThrow } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { ensureLocalBuildHost } from "@/lib/hosts";
import { getWorkerEnv, type WorkerEnv } from "@/worker/env";

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
    REDIS_URL: process.env.REDIS_URL, APP_URL: appUrl, ZXCV_HOST_TOKEN: token, ZXCV_HOST_NAME: name,
    ZXCV_WORK_DIR: `/tmp/zxcv-test-worker-${name}`, ZXCV_HEARTBEAT_MS: "300", ZXCV_LOCK_MS: "1500", ZXCV_BOOT_TEST: "1", ...extra,
  }));
}

export function spawnChildHost(env: WorkerEnv, fakeBuildMs: number): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/integration/builds/child-host.ts"], {
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v === true ? "1" : v === false ? "0" : v)])), FAKE_BUILD_MS: String(fakeBuildMs) },
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

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getBuild(buildId: string) {
  return getDb().build.findUniqueOrThrow({ where: { id: buildId }, include: { artifacts: true, host: true } });
}

export function waitForStatus(buildId: string, status: string, timeoutMs = 30_000) {
  return waitFor(`build ${buildId} to be ${status}`, async () => {
    const build = await getBuild(buildId);
    if (build.status !== status && ["SUCCEEDED", "FAILED", "CANCELLED"].includes(build.status)) {
      throw new Error(`build ${buildId} is ${build.status} (${build.failureReason}), expected ${status}`);
    }
    return build.status === status ? build : undefined;
  }, timeoutMs);
}
