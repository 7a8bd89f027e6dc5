import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import pg from "pg";
import { freePort } from "./ports";
import { startEmbeddedPostgres, systemHomeFor } from "./postgres";

// Two test or bench runs from one checkout share .state/test-postgres: the second one's fresh start removed the
// folder under the first one's running server, which then failed with "Connection terminated unexpectedly".
test("a fresh embedded PostgreSQL refuses a data folder a running one serves, and leaves that one running", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), "zxcv-pg-"));
  const options = { dataDir: path.join(dir, "data"), database: "zxcv_lock_test", passwordFile: path.join(dir, "password"), fresh: true };
  // Run as root, the server's data is kept under /var/lib/zxcv-composer when the OS user postgres cannot enter dir.
  t.after(() => Promise.all([dir, systemHomeFor(options.dataDir)].map((d) => rm(d, { recursive: true, force: true }))));
  const first = await startEmbeddedPostgres({ ...options, port: await freePort() });
  t.after(first.stop);

  await assert.rejects(startEmbeddedPostgres({ ...options, port: await freePort() }), (error: Error) => {
    assert.match(error.message, /is in use by a running PostgreSQL \(pid \d+\), most likely another test or bench run/);
    return true;
  });

  const client = new pg.Client({ connectionString: first.url });
  await client.connect();
  try {
    assert.equal((await client.query("SELECT 1 AS one")).rows[0].one, 1);
  } finally {
    await client.end();
  }
});
