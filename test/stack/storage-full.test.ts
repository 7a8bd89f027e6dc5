// A full artifact disk: a real build on a stack whose ARTIFACT_DIR is a 1 MB tmpfs fails saying that artifact storage
// is full and how much space the ISO needed, and the admin sees it on the Hosts page.
// Run: npm test -- test/stack/storage-full (as root: it mounts a tmpfs)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { freePort } from "../../scripts/stack/ports";
import { runStartCommand, useOwnDatabase } from "../support/start-command";
import { waitFor } from "../support/wait";

const database = await useOwnDatabase("storage_full");
const { getDb } = await import("@/lib/db");
const { isBuildActive } = await import("@/lib/builds/state");
const { makePerson } = await import("@/test/support/accounts");
const { makeRevisions } = await import("@/test/integration/builds/fixtures");

const dir = mkdtempSync(path.join(os.tmpdir(), "zxcv-storage-full-"));
chmodSync(dir, 0o755);
const artifacts = path.join(dir, "artifacts");
mkdirSync(artifacts);
after(async () => {
  await getDb().$disconnect();
  execFileSync("umount", [artifacts], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

test(
  "an ISO that does not fit the artifact disk fails the build saying storage is full and how much was needed, shown on the admin's Hosts page",
  { timeout: 15 * 60_000 },
  async () => {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", artifacts]);
    const port = await freePort();
    const run = runStartCommand({
      PORT: String(port),
      DATABASE_URL: database.url,
      ZXCV_REDIS_PORT: String(await freePort()),
      ARTIFACT_DIR: artifacts,
      ZXCV_SKIP_BUILD: "1",
      ZXCV_STATE_DIR: dir,
      ZXCV_HOST_NAME: `storage-full-${port}`,
    });
    try {
      await run.waitFor(/ZXCV Composer is up/, 240_000);
      const admin = await makePerson("storage-admin");
      await getDb().user.update({ where: { id: admin.actor.id }, data: { role: "ADMIN" } });
      const [revisionId] = await makeRevisions(admin.actor, 1);
      const app = `http://127.0.0.1:${port}`;
      const created = await fetch(`${app}/api/v1/builds`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
        body: JSON.stringify({ revisionId }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const build = await waitFor(
        "the build to finish",
        async () => {
          const row = await getDb().build.findUniqueOrThrow({ where: { id } });
          return !isBuildActive(row.status) && row;
        },
        10 * 60_000,
      );
      assert.equal(build.status, "FAILED");
      assert.match(
        build.failureReason ?? "",
        /Artifact storage is full: this file needs \d+(\.\d)? MB and \d+(\.\d)? (KB|MB|bytes) is free in .*artifacts \(ARTIFACT_DIR\)/,
      );
      assert.doesNotMatch(build.failureReason ?? "", /Something went wrong/);

      const hosts = await fetch(`${app}/hosts`, { headers: { cookie: admin.sessionCookie } });
      assert.equal(hosts.status, 200);
      const html = await hosts.text();
      assert.match(html, /data-testid="artifact-storage"/);
      assert.match(html, /Artifact storage is full: this file needs/);
    } finally {
      run.child.kill("SIGINT");
      await run.exited;
    }
  },
);
