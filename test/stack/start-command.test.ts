// `npm start` brings the app up: with the configured services, and with none (embedded PostgreSQL, private Redis).
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { freePort, isPortFree } from "../../scripts/stack/ports";
import { runStartCommand, type StartRun } from "../support/start-command";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "zxcv-start-"));
// The embedded PostgreSQL runs as the OS user postgres, which must be able to reach its data directory.
chmodSync(stateDir, 0o755);
after(() => rmSync(stateDir, { recursive: true, force: true }));

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
  const run = runStartCommand({ PORT: String(port), DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, ZXCV_SKIP_BUILD: "1", ZXCV_STATE_DIR: stateDir, ZXCV_HOST_NAME: "start-test-configured" });
  await assertServesSignIn(run, port);
  assert.match(run.output(), /using PostgreSQL from DATABASE_URL/);
  assert.match(run.output(), /using Redis from REDIS_URL/);
  await stop(run);
  assert.equal(await isPortFree(port), true);
});

test("with nothing configured, it starts an embedded PostgreSQL and its own Redis, stops them on Ctrl-C, and keeps the data", async () => {
  const [port, pgPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  const env = { PORT: String(port), ZXCV_PG_PORT: String(pgPort), ZXCV_REDIS_PORT: String(redisPort), ZXCV_SKIP_BUILD: "1", ZXCV_STATE_DIR: stateDir, ZXCV_HOST_NAME: "start-test-embedded" };
  const first = runStartCommand(env);
  await assertServesSignIn(first, port);
  assert.match(first.output(), new RegExp(`embedded PostgreSQL started on 127\\.0\\.0\\.1:${pgPort}`));
  assert.match(first.output(), new RegExp(`Redis started on 127\\.0\\.0\\.1:${redisPort}`));
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${pgPort}/zxcv`;
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
