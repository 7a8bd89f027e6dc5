// `npm start` brings the app up: with the configured services, and with none (embedded PostgreSQL, private Redis).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { freePort, isPortFree } from "../../scripts/stack/ports";
import { systemHomeFor } from "../../scripts/stack/postgres";
import { isAlive } from "../support/processes";
import { waitFor } from "../support/wait";
import { runStartCommand, useOwnDatabase, type StartRun } from "../support/start-command";
import { getDb } from "@/lib/db";
import { isBuildActive } from "@/lib/builds/state";
import { deletePeople, makePerson } from "@/test/support/accounts";
import { makeRevisions } from "@/test/integration/builds/fixtures";

// A database of its own: builds queued by the stacks started here are not taken by the test run's own worker.
const database = await useOwnDatabase("start_command");
const stateDir = mkdtempSync(path.join(os.tmpdir(), "zxcv-start-"));
// A folder the OS user postgres can enter: the embedded PostgreSQL keeps its data in place (the 0700 case is tested below).
chmodSync(stateDir, 0o755);
after(async () => {
  rmSync(stateDir, { recursive: true, force: true });
  await getDb().$disconnect();
  await database.drop();
});

async function assertServesSignIn(run: StartRun, port: number): Promise<void> {
  await run.waitFor(/ZXCV Composer is up: \S+/, 240_000);
  const response = await fetch(`http://127.0.0.1:${port}/machines`, { redirect: "manual" });
  assert.equal(response.status, 307, "a visitor is sent to sign in");
  assert.match(response.headers.get("location") ?? "", /\/sign-in$/);
  const page = await fetch(`http://127.0.0.1:${port}/sign-in`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Sign in/);
}

async function stop(run: StartRun): Promise<void> {
  run.child.kill("SIGINT");
  assert.equal(await run.exited, 0);
  assert.match(run.output(), /\[zxcv\] stopped/);
}

test("with DATABASE_URL and REDIS_URL set, it uses them and Ctrl-C stops what it started", async () => {
  assert.ok(process.env.DATABASE_URL && process.env.REDIS_URL, "the test runner provides DATABASE_URL and REDIS_URL");
  const port = await freePort();
  const run = runStartCommand({
    PORT: String(port),
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    ZXCV_SKIP_BUILD: "1",
    ZXCV_STATE_DIR: stateDir,
    ZXCV_HOST_NAME: "start-test-configured",
  });
  await assertServesSignIn(run, port);
  assert.match(run.output(), /using PostgreSQL from DATABASE_URL/);
  assert.match(run.output(), /using Redis from REDIS_URL/);
  await stop(run);
  assert.equal(await isPortFree(port), true);
});

test("with nothing configured, it starts an embedded PostgreSQL and its own Redis, stops them on Ctrl-C, and keeps the data", async () => {
  const [port, pgPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    PORT: String(port),
    ZXCV_PG_PORT: String(pgPort),
    ZXCV_REDIS_PORT: String(redisPort),
    ZXCV_SKIP_BUILD: "1",
    ZXCV_STATE_DIR: stateDir,
    ZXCV_HOST_NAME: "start-test-embedded",
  };
  const first = runStartCommand(env);
  await assertServesSignIn(first, port);
  assert.match(first.output(), new RegExp(`embedded PostgreSQL started on 127\\.0\\.0\\.1:${pgPort}`));
  assert.match(first.output(), new RegExp(`Redis started on 127\\.0\\.0\\.1:${redisPort}`));
  // The superuser password is a random one kept 0600 in the state folder, not "postgres".
  const passwordFile = path.join(stateDir, "postgres.password");
  assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
  const password = readFileSync(passwordFile, "utf8").trim();
  assert.ok(password.length >= 24 && password !== "postgres");
  await assert.rejects(
    withClient(`postgresql://postgres:postgres@127.0.0.1:${pgPort}/zxcv`, (db) => db.query("SELECT 1")),
    /password authentication failed/,
  );
  const databaseUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/zxcv`;
  await withClient(databaseUrl, (db) => db.query(`INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('kept', 'kept@example.test', 'Kept', 'x')`));
  await stop(first);
  for (const p of [port, pgPort, redisPort]) assert.equal(await isPortFree(p), true, `port ${p} is free again`);

  // Started again on the same state folder, the embedded database still has what was written.
  const second = runStartCommand(env);
  await assertServesSignIn(second, port);
  const kept = await withClient(databaseUrl, (db) => db.query(`SELECT email FROM "User" WHERE id = 'kept'`));
  assert.deepEqual(kept.rows, [{ email: "kept@example.test" }]);
  await stop(second);
});

async function withClient<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** A clone of this repository's HEAD inside a fresh 0700 folder, as root's home is; node_modules hard-linked in (same disk). */
function cloneIntoPrivateFolder(): { root: string; repo: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "zxcv-private-"));
  assert.equal(statSync(root).mode & 0o777, 0o700);
  const repo = path.join(root, "zxcv");
  execFileSync("git", ["clone", "--quiet", process.cwd(), repo]);
  execFileSync("cp", ["-al", path.resolve("node_modules"), path.join(repo, "node_modules")]);
  // A real copy (not a link) that is newer than the clone's package-lock.json, so the start command sees installed packages.
  rmSync(path.join(repo, "node_modules/.package-lock.json"));
  cpSync(path.resolve("node_modules/.package-lock.json"), path.join(repo, "node_modules/.package-lock.json"));
  return { root, repo };
}

test("a clone in a 0700 folder starts (as root the embedded PostgreSQL keeps its data where the OS user postgres can reach it) and `npm test` runs there too", async () => {
  const { root, repo } = cloneIntoPrivateFolder();
  const isRoot = process.getuid?.() === 0;
  try {
    const [port, pgPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    const run = runStartCommand(
      { PORT: String(port), ZXCV_PG_PORT: String(pgPort), ZXCV_REDIS_PORT: String(redisPort), ZXCV_HOST_NAME: "start-test-private" },
      { cwd: repo },
    );
    await assertServesSignIn(run, port);
    if (isRoot) {
      const home = systemHomeFor(path.join(repo, ".state/postgres"));
      assert.match(run.output(), new RegExp(`keeps its data in ${home}/postgres`));
      assert.equal(statSync(home).mode & 0o777, 0o700, "the data's folder is private to postgres");
      assert.equal(statSync(home).uid, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })));
    }
    assert.doesNotMatch(run.output(), /EACCES|\n\s+at /);
    await stop(run);

    // `npm test` in the same clone: its throw-away PostgreSQL goes to the same kind of place.
    const tests = runStartCommand(
      { ZXCV_HOST_NAME: "start-test-private" },
      { cwd: repo, script: "scripts/test.sh", args: ["lib/artifacts/downloads.test.ts"] },
    );
    const code = await tests.exited;
    assert.equal(code, 0, tests.output());
    assert.match(tests.output(), /tests use database \S+ on an embedded PostgreSQL/);
    assert.match(tests.output(), /\d+ passed, 0 failed, 0 skipped/);
  } finally {
    rmSync(root, { recursive: true, force: true });
    for (const dataDir of [".state/postgres", ".state/test-postgres"]) rmSync(systemHomeFor(path.join(repo, dataDir)), { recursive: true, force: true });
  }
});

/** The processes below `pid` (children, grandchildren, ...) with their command names, read from /proc. */
function descendants(pid: number): { pid: number; comm: string }[] {
  const parents = new Map<number, number[]>();
  const comms = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      comms.set(Number(entry), comm);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push({ pid: child, comm: comms.get(child) ?? "" });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

test(
  "the local build host is supervised: killed with -9 mid-build it is restarted, the dashboard answers, the build finishes and no QEMU is left behind",
  { timeout: 15 * 60_000 },
  async () => {
    // Its own Redis (the test stack's worker must not take this build) and the test database.
    const [port, redisPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(path.join(os.tmpdir(), "zxcv-supervised-"));
    chmodSync(dir, 0o755);
    const run = runStartCommand({
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL,
      ZXCV_REDIS_PORT: String(redisPort),
      ZXCV_SKIP_BUILD: "1",
      ZXCV_STATE_DIR: dir,
      ZXCV_HOST_NAME: `start-test-supervised-${port}`,
    });
    const person = await makePerson("supervised");
    let atWork: { pid: number; comm: string }[] = [];
    try {
      await run.waitFor(/ZXCV Composer is up/, 240_000);
      const firstPid = Number(/local build host started \(pid (\d+)\)/.exec(run.output())![1]);
      const [revisionId] = await makeRevisions(person.actor, 1);
      const appUrl = `http://127.0.0.1:${port}`;
      const created = await fetch(`${appUrl}/api/v1/builds`, {
        method: "POST",
        headers: { authorization: `Bearer ${person.token}`, "content-type": "application/json" },
        body: JSON.stringify({ revisionId }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id: buildId } = (await created.json()) as { id: string };

      // Mid-build: once the worker has QEMU running for the boot test (or, failing that, any child at work).
      atWork = await waitFor(
        "the worker to start QEMU for the boot test",
        () => {
          const below = descendants(firstPid);
          return below.some((p) => p.comm.startsWith("qemu-system")) && below;
        },
        600_000,
      );
      process.kill(firstPid, "SIGKILL");
      await run.waitFor(/the local build host \(worker\) exited unexpectedly \(killed by SIGKILL\); restarting it in \d+ s/, 30_000);
      await run.waitFor(/local build host started \(pid \d+\)[\s\S]*local build host started \(pid \d+\)/, 60_000);
      const secondPid = Number([...run.output().matchAll(/local build host started \(pid (\d+)\)/g)].at(-1)![1]);
      assert.notEqual(secondPid, firstPid);
      const page = await fetch(`${appUrl}/sign-in`);
      assert.equal(page.status, 200, "the dashboard stayed up");

      const finished = await waitFor(
        "the build to finish",
        async () => {
          const build = await getDb().build.findUniqueOrThrow({ where: { id: buildId } });
          return !isBuildActive(build.status) && build;
        },
        600_000,
      );
      assert.equal(finished.status, "SUCCEEDED", finished.failureReason ?? "");
      // The killed worker's Nix and QEMU processes are gone (the worker engine cleans them up; see docs/engine.md).
      await waitFor(
        `the killed worker's processes (${atWork.map((p) => `${p.comm}:${p.pid}`).join(", ")}) to end`,
        () => atWork.every((p) => !isAlive(p.pid)),
        60_000,
      );
      assert.equal(run.output().match(/exited unexpectedly/g)?.length, 1, "one line per restart");
      await stop(run);
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGINT");
      await run.exited;
      // Whatever the killed worker left running (the assertion above failed) is not left to burn CPU after the test.
      for (const p of atWork) {
        const stat = (() => {
          try {
            return readFileSync(`/proc/${p.pid}/stat`, "utf8");
          } catch {
            return "";
          }
        })();
        if (stat.includes(`(${p.comm})`)) process.kill(p.pid, "SIGKILL");
      }
      await deletePeople([person]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
