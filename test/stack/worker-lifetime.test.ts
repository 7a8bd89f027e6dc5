// Build hosts that come and go: `npm run worker -- --idle-exit 5s` against a dashboard with no other host takes the
// one queued build, builds it, then, idle for 5 s, deregisters (the dashboard shows it offline at once) and exits 0.
// Run: npm test -- test/stack/worker-lifetime
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { freePort } from "../../scripts/stack/ports";
import { childEnv } from "../../scripts/stack/processes";
import { startPrivateRedis } from "../../scripts/stack/redis";
import { runStartCommand, useOwnDatabase } from "../support/start-command";
import type { TestPerson } from "../support/accounts";

const database = await useOwnDatabase("lifetime");
const { getDb } = await import("@/lib/db");
const { ensureLocalBuildHost } = await import("@/lib/hosts");
const { makePerson } = await import("@/test/support/accounts");
const { getChannelOrThrow } = await import("@/lib/catalog");
const { defaultSelection } = await import("@/contracts/selection");
const { makeRevisions } = await import("@/test/integration/builds/fixtures");

const dir = mkdtempSync(path.join(os.tmpdir(), "zxcv-lifetime-"));
chmodSync(dir, 0o755);
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await getDb().$disconnect();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run worker -- ARGS` as a CI job runs it, with a fresh host token: its output, and its exit. */
async function startCiWorker(app: string, redisUrl: string, name: string, args: string[]) {
  const token = await ensureLocalBuildHost({ name, arch: "x86_64" });
  const worker = spawn("npm", ["run", "--silent", "worker", "--", ...args], {
    env: childEnv({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redisUrl,
      APP_URL: app,
      ZXCV_HOST_TOKEN: token,
      ZXCV_HOST_NAME: name,
      ZXCV_WORK_DIR: path.join(dir, `work-${name}`),
    }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  worker.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (worker.exitCode === null) process.kill(-worker.pid!, "SIGKILL");
  });
  return { exited, output: () => output };
}

/** Queues a build of a new revision for `person` (a selection no earlier build made, so it really builds). */
async function queueBuild(app: string, person: TestPerson, compression: string): Promise<{ id: string; waitingReason: string | null }> {
  const channel = await getChannelOrThrow("mini");
  const base = defaultSelection(channel.catalog);
  const [revisionId] = await makeRevisions(person.actor, 1, { ...base, roles: { ...base.roles, compression } });
  const created = await fetch(`${app}/api/v1/builds`, {
    method: "POST",
    headers: { authorization: `Bearer ${person.token}`, "content-type": "application/json" },
    body: JSON.stringify({ revisionId }),
  });
  assert.equal(created.status, 201);
  return (await created.json()) as { id: string; waitingReason: string | null };
}

let stackApp = "";
let stackRedis = "";
let person: TestPerson;

test("a worker started with --idle-exit takes a job, then deregisters and exits when idle", { timeout: 15 * 60_000 }, async () => {
  const redis = await startPrivateRedis({ dir: path.join(dir, "redis"), port: await freePort(), persistent: false });
  cleanups.push(() => redis.stop());
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  [stackApp, stackRedis] = [app, redis.url];
  const stack = runStartCommand({
    PORT: String(port),
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    ZXCV_LOCAL_WORKER: "0",
    ZXCV_SKIP_BUILD: "1",
    ZXCV_STATE_DIR: dir,
  });
  cleanups.push(async () => {
    stack.child.kill("SIGINT");
    await stack.exited;
  });
  await stack.waitFor(/ZXCV Composer is up/, 240_000);
  assert.match(stack.output(), /no local build host \(ZXCV_LOCAL_WORKER=0\)/);

  person = await makePerson("ci-user");
  const { id: buildId, waitingReason } = await queueBuild(app, person, "gzip");
  assert.match(waitingReason ?? "", /No build host for x86_64 is online/, "nobody builds it yet");

  const name = `ci-runner-${port}`;
  const worker = await startCiWorker(app, redis.url, name, ["--idle-exit", "5s"]);
  const exited = worker.exited;
  const code = await exited;
  const output = worker.output();
  assert.equal(code, 0, output);
  const build = await getDb().build.findUniqueOrThrow({ where: { id: buildId }, include: { host: true } });
  assert.equal(build.status, "SUCCEEDED", `${build.failureReason}\n${output}`);
  assert.equal(build.host?.name, name, "the CI worker built it");
  assert.match(output, /this host leaves after 5 s idle/);
  assert.match(output, /idle for 5 s \(--idle-exit\): taking no new jobs/);
  assert.match(output, /deregistered from the dashboard; exiting/);
  const host = await getDb().buildHost.findUniqueOrThrow({ where: { name } });
  assert.equal(host.lastHeartbeatAt, null, "the dashboard shows it offline at once");
  assert.ok(output.indexOf("idle for 5 s") > output.indexOf(`build ${buildId}: succeeded`), "it left only after the build");
});

test("a worker started with --max-runtime finishes the build it runs when its time is up, then deregisters and exits", { timeout: 15 * 60_000 }, async () => {
  assert.ok(stackApp, "the stack of the test above is up");
  const { id: buildId } = await queueBuild(stackApp, person, "zstd");
  const name = `ci-runner-timed-${Date.now()}`;
  const worker = await startCiWorker(stackApp, stackRedis, name, ["--max-runtime", "6s", "--idle-exit", "1h"]);
  const code = await worker.exited;
  const output = worker.output();
  assert.equal(code, 0, output);
  assert.match(output, /ran for 6 s \(--max-runtime\): finishing 1 running build\(s\), taking no new jobs/);
  const build = await getDb().build.findUniqueOrThrow({ where: { id: buildId }, include: { host: true } });
  assert.equal(build.status, "SUCCEEDED", `${build.failureReason}\n${output}`);
  assert.equal(build.host?.name, name);
  assert.ok(output.indexOf("deregistered from the dashboard") > output.indexOf(`build ${buildId}: succeeded`), "it left after the build finished");
});
