// Faults on the build path against real PostgreSQL and Redis: killed workers, lost Redis data, bad uploads,
// stale attempts, vanished hosts, an app restart mid-build.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/builds-faults.test.ts
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createBuild } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { closeQueues, getBuildQueue } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { reconcileBuilds } from "@/lib/reconciler";
import { startBuildHost } from "@/worker/host";
import { fakeBuild } from "./builds/fake-build";
import { getBuild, hostCall as callHost, hostEnv, makeActor, makeRevisions, rawPut, resultFor, spawnChildHost, waitForStatus } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

let app: Awaited<ReturnType<typeof startAppServer>>;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const quiet = () => undefined;

before(async () => {
  await getRedis().flushdb();
  app = await startAppServer();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

const hostCall = (path: string, token: string, init: Parameters<typeof callHost>[3] = {}) => callHost(app.appUrl, path, token, init);

test("kill -9 of a worker mid-build: another host retries it and it finishes once", async () => {
  const alice = await makeActor("alice");
  const envA = await hostEnv(app.appUrl, `doomed-${Date.now()}`);
  const doomed = spawnChildHost(envA, 30_000);
  cleanups.push(() => doomed.child.kill("SIGKILL"));
  await doomed.ready;
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await waitFor("the doomed host to be realising", async () => (await getBuild(build.id)).phase === "realising", 20_000);
  const before = await getBuild(build.id);
  assert.equal(before.host?.name, envA.ZXCV_HOST_NAME);
  doomed.child.kill("SIGKILL");

  const survivor = await startBuildHost({ env: await hostEnv(app.appUrl, `survivor-${Date.now()}`), runBuild: fakeBuild({ durationMs: 300 }), log: quiet });
  cleanups.push(() => survivor.close());
  const done = await waitForStatus(build.id, "SUCCEEDED", 30_000);
  assert.equal(done.attempt, 2, "the re-delivered job became attempt 2");
  assert.notEqual(done.hostId, before.hostId);
  assert.equal(done.artifacts.filter((a) => a.kind === "ISO").length, 1);
  // And it stays finished once: its job leaves the queue and nothing re-runs it.
  await waitFor("the job to leave the queue", async () => !(await getBuildQueue("x86_64").getJob(build.id)));
  const later = await getBuild(build.id);
  assert.equal(later.status, "SUCCEEDED");
  assert.equal(later.attempt, 2);
  await survivor.close();
});

test("Redis loses its data mid-queue: the reconciler re-enqueues what PostgreSQL says is queued", async () => {
  const alice = await makeActor("alice");
  const revisions = await makeRevisions(alice, 3);
  const builds = await Promise.all(revisions.map((revisionId) => createBuild({ actor: alice, revisionId })));
  const queue = getBuildQueue("x86_64");
  for (const build of builds) assert.ok(await queue.getJob(build.id));
  // FLUSHALL would also wipe other suites' databases on a shared Redis: flush ours, which holds every key we use.
  await getRedis().flushdb();
  for (const build of builds) assert.equal(await queue.getJob(build.id), undefined);
  const report = await reconcileBuilds();
  for (const build of builds) assert.ok(report.reEnqueued.includes(build.id));
  for (const build of builds) assert.ok(await queue.getJob(build.id));
  const again = await reconcileBuilds();
  for (const build of builds) assert.ok(!again.reEnqueued.includes(build.id), "a second pass finds nothing to do");
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ durationMs: 200 }), log: quiet });
  cleanups.push(() => host.close());
  for (const build of builds) assert.equal((await waitForStatus(build.id, "SUCCEEDED")).attempt, 1);
  await host.close();
});

test("a corrupted upload is refused and the build fails saying why", async () => {
  const alice = await makeActor("alice");
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ fault: "corrupt-hash" }), log: quiet });
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  const failed = await waitForStatus(build.id, "FAILED");
  await host.close();
  assert.match(failed.failureReason!, /^The uploading step failed: Upload is corrupted: its sha256 is [0-9a-f]{64}, the sender declared [0-9a-f]{64}\.$/);
  assert.deepEqual(
    failed.artifacts.map((a) => a.kind),
    ["LOG"],
    "no ISO was kept; the log was",
  );
  assert.equal((await readdir(join(process.env.ARTIFACT_DIR!, ".incoming"))).length, 0, "the temp file is gone");
});

test("a failing engine step is reported in one sentence with the last lines of its log", async () => {
  const alice = await makeActor("alice");
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ fault: "fail" }), log: quiet });
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  const failed = await waitForStatus(build.id, "FAILED");
  await host.close();
  assert.equal(failed.failureReason, "The realising step failed: builder for '/nix/store/xxx-busybox.drv' failed with exit code 1.");
  const tail = (failed.result as { failure: { tail: string[] } }).failure.tail;
  assert.ok(tail.some((line) => line.includes("failed with exit code 1")));
});

test("truncated uploads, wrong tokens and a stale attempt's upload are refused", async () => {
  const alice = await makeActor("alice");
  const env = await hostEnv(app.appUrl);
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await getBuildQueue("x86_64").remove(build.id); // this test plays the host by hand
  const claim = await hostCall(`/api/host/builds/${build.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  assert.equal(claim.status, 200);
  const token1: string = claim.json.attemptToken;
  const bytes = Buffer.alloc(100_000, 7);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const put = (attempt: number, token: string, raw: Buffer, size: number, sha256 = sha) =>
    hostCall(`/api/host/builds/${build.id}/attempts/${attempt}/artifacts/iso`, token, {
      method: "PUT",
      raw,
      headers: { "x-content-size": String(size), "x-content-sha256": sha256 },
    });

  const short = await put(1, token1, bytes.subarray(0, 60_000), bytes.length);
  assert.equal(short.status, 400);
  assert.match(short.json.error.message, /truncated: received 60000 of the declared 100000 bytes/);
  // Too many bytes: refused as soon as they exceed the declared size, the answer read even if it beats the rest of the body.
  const long = await rawPut(
    `${app.appUrl}/api/host/builds/${build.id}/attempts/1/artifacts/iso`,
    { authorization: `Bearer ${token1}`, "x-content-size": String(bytes.length), "x-content-sha256": sha },
    Buffer.concat([bytes, bytes]),
  );
  assert.equal(long.status, 400);
  assert.match(long.json.error.message, /larger than the declared 100000 bytes/);
  assert.equal((await put(1, "zxa_wrong", bytes, bytes.length)).status, 401);

  // A connection that dies mid-body leaves nothing behind.
  const incoming = join(process.env.ARTIFACT_DIR!, ".incoming");
  await new Promise<void>((resolve) => {
    const req = request(`${app.appUrl}/api/host/builds/${build.id}/attempts/1/artifacts/iso`, {
      method: "PUT",
      agent: false,
      headers: { authorization: `Bearer ${token1}`, "x-content-size": String(bytes.length), "x-content-sha256": sha, "content-length": String(bytes.length) },
    });
    req.on("error", () => resolve());
    // Once the server holds part of it in a temp file, the connection dies.
    req.write(bytes.subarray(0, 30_000), () => {
      void waitFor("the upload's temp file", async () => (await readdir(incoming).catch(() => [])).length > 0, 5_000).then(() => {
        req.destroy();
        resolve();
      });
    });
  });
  await waitFor("the temp file to go", async () => (await readdir(incoming)).length === 0, 5_000);
  assert.equal((await getBuild(build.id)).artifacts.length, 0);

  // The host goes silent; the reconciler moves the build to attempt 2 and someone claims it.
  const report = await reconcileBuilds({ hostOfflineAfterMs: 0, now: new Date(Date.now() + 1_000) });
  assert.ok(report.retried.includes(build.id));
  const claim2 = await hostCall(`/api/host/builds/${build.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt: 2 } });
  assert.equal(claim2.json.attempt, 2);
  const stale = await put(1, token1, bytes, bytes.length);
  assert.equal(stale.status, 409);
  assert.match(stale.json.error.message, /^Stale attempt: build \S+ is at attempt 2, this upload belongs to attempt 1 and is refused$/);
  const result = await resultFor(build.id, { sha256: sha, isoSizeBytes: bytes.length });
  const staleComplete = await hostCall(`/api/host/builds/${build.id}/attempts/1/complete`, token1, { body: { result } });
  assert.equal(staleComplete.status, 409);
  // Attempt 1's token does not work for attempt 2 either.
  assert.equal((await put(2, token1, bytes, bytes.length)).status, 401);

  const token2: string = claim2.json.attemptToken;
  assert.equal((await put(2, token2, bytes, bytes.length)).status, 200);
  const complete = await hostCall(`/api/host/builds/${build.id}/attempts/2/complete`, token2, { body: { result } });
  assert.equal(complete.status, 200);
  assert.equal((await getBuild(build.id)).status, "SUCCEEDED");
});

test("a build whose host vanished is retried, then failed with a clear reason", async () => {
  const alice = await makeActor("alice");
  const env = await hostEnv(app.appUrl, `vanishing-${Date.now()}`);
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await getBuildQueue("x86_64").remove(build.id);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const claim = await hostCall(`/api/host/builds/${build.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt } });
    assert.equal(claim.json.attempt, attempt);
    await getBuildQueue("x86_64").remove(build.id);
    await reconcileBuilds({ hostOfflineAfterMs: 0, now: new Date(Date.now() + 1_000) });
  }
  const failed = await getBuild(build.id);
  assert.equal(failed.status, "FAILED");
  assert.equal(
    failed.failureReason,
    `The build host ${env.ZXCV_HOST_NAME} stopped responding (no heartbeat for 0 s) during attempt 3 of 3; the build was not retried again.`,
  );
});

test("the app restarting mid-build loses nothing: the host retries its calls until the app is back", async () => {
  const alice = await makeActor("alice");
  let isBuilt = false;
  const slow = fakeBuild({ durationMs: 1_500 });
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: async (options) => slow(options).finally(() => (isBuilt = true)), log: quiet });
  cleanups.push(() => host.close());
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await waitFor("the build to run", async () => (await getBuild(build.id)).status === "RUNNING");
  const port = Number(new URL(app.appUrl).port);
  await app.close();
  // The build finishes while the app is down: the host's upload fails, and it keeps trying.
  await waitFor("the engine to finish", async () => isBuilt, 20_000);
  await waitFor("the host to retry a failed call", async () => host.app.retriedCalls > 0, 20_000);
  const failedWhileDown = host.app.retriedCalls;
  app.server.listen(port, "127.0.0.1");
  const done = await waitForStatus(build.id, "SUCCEEDED", 60_000);
  assert.equal(done.attempt, 1);
  assert.ok(failedWhileDown > 0, "calls failed while the app was down and succeeded once it was back");
  assert.ok(
    done.artifacts.some((a) => a.kind === "ISO"),
    "the upload that failed went through after the restart",
  );
  await host.close();
});
