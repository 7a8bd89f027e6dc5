// Errors that say what happened: the start command runs against a PostgreSQL and a Redis this test owns (real
// servers on free ports, not the machine's shared ones), which it stops and starts again under the running app.
// Run: npm test -- test/stack/outages
import assert from "node:assert/strict";
import http from "node:http";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { freePort } from "../../scripts/stack/ports";
import { startEmbeddedPostgres, type Postgres } from "../../scripts/stack/postgres";
import { startPrivateRedis, type RedisServer } from "../../scripts/stack/redis";
import { runStartCommand, type StartRun } from "../support/start-command";
import { waitFor } from "../support/wait";

const dir = mkdtempSync(path.join(os.tmpdir(), "zxcv-outages-"));
chmodSync(dir, 0o755);
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: string };

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on("error", reject);
  });
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

test(
  "PostgreSQL and Redis stopped under the running dashboard: 503 that names the database, one log line per outage, and recovery by itself",
  { timeout: 10 * 60_000 },
  async () => {
    const pgOptions = { dataDir: path.join(dir, "pg"), port: await freePort(), database: "zxcv", passwordFile: path.join(dir, "pg.password") };
    let pg: Postgres = await startEmbeddedPostgres(pgOptions);
    cleanups.push(() => pg.stop());
    const redisPort = await freePort();
    let redis: RedisServer = await startPrivateRedis({ dir: path.join(dir, "redis"), port: redisPort, persistent: false });
    cleanups.push(() => redis.stop());
    const port = await freePort();
    const run: StartRun = runStartCommand({
      PORT: String(port),
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      ZXCV_SKIP_BUILD: "1",
      ZXCV_STATE_DIR: dir,
      ZXCV_HOST_NAME: `outage-test-${port}`,
    });
    cleanups.push(async () => {
      run.child.kill("SIGINT");
      await run.exited;
    });
    const app = `http://127.0.0.1:${port}`;
    await run.waitFor(/ZXCV Composer is up/, 240_000);
    const page = () => get(`${app}/sign-in`, { accept: "text/html" });
    const api = () => get(`${app}/api/v1/me`, { authorization: "Bearer zxcv_some-token-to-look-up" });
    const up = await page();
    assert.equal(up.status, 200);
    assert.equal((await api()).status, 401);
    const icons = [...up.body.matchAll(/<link rel="icon" href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    assert.equal(icons.length, 2, "the favicon and the logo");

    // PostgreSQL goes away.
    await pg.stop();
    const down = await waitFor("the sign-in page to answer 503", async () => {
      const answer = await page();
      return answer.status === 503 && answer;
    });
    assert.equal(down.headers["retry-after"], "5");
    assert.match(down.body, /The database is unreachable/);
    assert.doesNotMatch(down.body, /Something went wrong/);
    const apiDown = await api();
    assert.equal(apiDown.status, 503);
    assert.equal(apiDown.headers["retry-after"], "5");
    assert.deepEqual(JSON.parse(apiDown.body).error.code, "UNAVAILABLE");
    assert.match(JSON.parse(apiDown.body).error.message, /database \(PostgreSQL\) is unreachable/);
    for (const icon of icons) assert.equal((await get(`${app}${icon}`)).status, 200, `the page's icon ${icon} still loads`);

    // It comes back (same data, same port): the dashboard recovers without a restart.
    pg = await startEmbeddedPostgres(pgOptions);
    await waitFor("the sign-in page to answer 200 again", async () => (await page()).status === 200);
    await waitFor("the API to answer 401 for the bad token again", async () => (await api()).status === 401);
    await run.waitFor(/the database is reachable again/, 10_000);
    assert.equal(count(run.output(), /\[zxcv\] the database is unreachable/), 1, "one line for the outage");

    // Redis goes away for a while: one line per process, no "[ioredis] Unhandled error event" flood.
    await redis.stop();
    await run.waitFor(/\[worker\] .*Redis is unreachable/, 30_000);
    redis = await startPrivateRedis({ dir: path.join(dir, "redis"), port: redisPort, persistent: false });
    await run.waitFor(/\[worker\] .*Redis is reachable again/, 60_000);
    const output = run.output();
    assert.equal(count(output, /Unhandled error event/), 0, output);
    assert.equal(count(output, /\[worker\] .*Redis is unreachable/), 1);
    assert.ok(count(output, /\[app\] .*Redis is unreachable/) <= 1);
    assert.equal((await page()).status, 200);
  },
);
