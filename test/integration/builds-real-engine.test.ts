// The whole build path with the REAL engine (Nix + QEMU boot test) on real PostgreSQL and Redis:
// Build -> host claims -> log lines stream -> ISO uploaded, verified, downloadable with the sha256 the engine computed.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/builds-real-engine.test.ts
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { buildResultSchema } from "@/contracts/build-result";
import { createBuild } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { readAllLogEvents } from "@/lib/log-stream";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { buildIso } from "@/worker/engine/build-iso";
import { startBuildHost } from "@/worker/host";
import { hostEnv, makeActor, makeRevisions, waitForStatus } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

let app: Awaited<ReturnType<typeof startAppServer>>;

before(async () => {
  app = await startAppServer();
});

after(async () => {
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

test("a real build: live log, boot test passed, downloaded ISO matches its sha256", { timeout: 600_000 }, async () => {
  const alice = await makeActor("alice");
  const host = await startBuildHost({ env: await hostEnv(app.appUrl, `real-${Date.now()}`), runBuild: (options) => buildIso(options), log: () => undefined });
  try {
    const [revisionId] = await makeRevisions(alice);
    const build = await createBuild({ actor: alice, revisionId: revisionId! });
    const firstLine = await waitFor("the first log line", async () => (await readAllLogEvents(getRedis(), build.id)).find((e) => e.type === "line"), 120_000);
    assert.match((firstLine as { text: string }).text, /^zxcv: build /);
    const done = await waitForStatus(build.id, "SUCCEEDED", 540_000);
    const result = buildResultSchema.parse(done.result);
    assert.ok(result.bootTests.length > 0 && result.bootTests.every((t) => t.passed), "the boot test passed");
    const iso = done.artifacts.find((a) => a.kind === "ISO")!;
    assert.equal(iso.sha256, result.sha256);
    const response = await fetch(`${app.appUrl}/api/artifacts/${iso.id}`, { headers: { cookie: alice.cookie } });
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.length, result.isoSizeBytes);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), result.sha256);
  } finally {
    await host.close();
  }
});
