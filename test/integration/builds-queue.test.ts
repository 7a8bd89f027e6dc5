// Builds against real PostgreSQL and Redis: the queue, hosts, uploads, downloads and the live log.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/builds-queue.test.ts
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { buildQueueName } from "@/contracts/jobs";
import { createBuild } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { closeQueues, getBuildQueue } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { startBuildHost } from "@/worker/host";
import { fakeBuild } from "./builds/fake-build";
import { getBuild, hostEnv, makeActor, makeRevisions, waitForStatus } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

let app: Awaited<ReturnType<typeof startAppServer>>;
const hosts: { close: () => Promise<void> }[] = [];
const quiet = () => undefined;

before(async () => {
  await getRedis().flushdb();
  app = await startAppServer();
});

after(async () => {
  for (const host of hosts) await host.close().catch(() => undefined);
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

async function download(path: string, cookie: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.appUrl}${path}`, { headers: { cookie, ...headers } });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

test("a double Build click queues one build and one job", async () => {
  const alice = await makeActor("alice");
  const [revisionId] = await makeRevisions(alice);
  const [first, second] = await Promise.all([createBuild({ actor: alice, revisionId: revisionId! }), createBuild({ actor: alice, revisionId: revisionId! })]);
  assert.equal(first.id, second.id);
  assert.equal(await getDb().build.count({ where: { requestedById: alice.id } }), 1);
  const job = await getBuildQueue("x86_64").getJob(first.id);
  assert.ok(job, "the job id is the build id");
  assert.deepEqual(job.data, { v: 2, buildId: first.id, attempt: 1 }, "the job names the build and attempt, nothing a host would build from");
  // Nothing else for this build: the same click again is still one job.
  await createBuild({ actor: alice, revisionId: revisionId! });
  const jobs = await getBuildQueue("x86_64").getJobs(["waiting"]);
  assert.equal(jobs.filter((j) => j.id === first.id).length, 1);
  await getBuildQueue("x86_64").obliterate({ force: true });
  await getDb().build.deleteMany({ where: { requestedById: alice.id } });
});

test("another person's revision is NOT_FOUND and too many builds is RATE_LIMITED", async () => {
  const alice = await makeActor("alice");
  const bob = await makeActor("bob");
  const revisions = await makeRevisions(alice, 10);
  await assert.rejects(createBuild({ actor: bob, revisionId: revisions[0]! }), (e) => isAppError(e) && e.code === "NOT_FOUND");
  for (const revisionId of revisions.slice(0, 8)) await createBuild({ actor: alice, revisionId });
  await assert.rejects(createBuild({ actor: alice, revisionId: revisions[9]! }), (e) => isAppError(e) && e.code === "RATE_LIMITED");
  await getBuildQueue("x86_64").obliterate({ force: true });
  await getDb().build.deleteMany({ where: { requestedById: alice.id } });
});

test("a build streams its log, uploads a verified ISO, and the same selection again is reused at once", async () => {
  const alice = await makeActor("alice");
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ durationMs: 800 }), log: quiet });
  hosts.push(host);
  const [revisionId, secondRevisionId] = await makeRevisions(alice, 2);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });

  // The live log over SSE from the first line, then a reconnect resuming after the last id it saw.
  const events = await fetch(`${app.appUrl}/api/builds/${build.id}/events`, { headers: { cookie: alice.cookie } });
  assert.equal(events.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await events.text();
  assert.match(text, /event: line\ndata: \{"text":"zxcv: build /);
  assert.match(text, /event: phase\ndata: \{"phase":"realising"/);
  assert.match(text, /event: end\ndata: \{"status":"SUCCEEDED"/);
  const ids = [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]!);
  const resumed = await (
    await fetch(`${app.appUrl}/api/builds/${build.id}/events`, { headers: { cookie: alice.cookie, "last-event-id": ids[ids.length - 3]! } })
  ).text();
  assert.deepEqual(
    [...resumed.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]),
    ids.slice(-2),
    "resumes exactly after Last-Event-ID",
  );

  const done = await waitForStatus(build.id, "SUCCEEDED");
  const iso = done.artifacts.find((a) => a.kind === "ISO")!;
  const log = done.artifacts.find((a) => a.kind === "LOG")!;
  assert.ok(iso && log);
  assert.equal(done.attempt, 1);
  assert.equal(done.phase, "done");

  const { response, body } = await download(`/api/artifacts/${iso.id}`, alice.cookie);
  assert.equal(response.status, 200);
  assert.match(
    response.headers.get("content-disposition")!,
    /^attachment; filename="m-[0-9a-f]{8}-p-r1-x86_64(-[a-z0-9]+)?\.iso"$/,
    "named <machine>-<profile>-r<revision>-<arch>.iso",
  );
  assert.equal(createHash("sha256").update(body).digest("hex"), iso.sha256);
  const logText = (await download(`/api/artifacts/${log.id}`, alice.cookie)).body.toString();
  assert.match(logText, /fake: built derivation 10 of 10/);
  assert.match(logText, /ISO uploaded and verified/);

  // Someone else gets the same 404 as for a missing file.
  const bob = await makeActor("bob");
  assert.equal((await download(`/api/artifacts/${iso.id}`, bob.cookie)).response.status, 404);

  const reused = await createBuild({ actor: alice, revisionId: secondRevisionId! });
  assert.equal(reused.status, "SUCCEEDED", "finished when Build returns");
  assert.equal(reused.reusedFromId, build.id);
  assert.equal(await getBuildQueue("x86_64").getJob(reused.id), undefined, "no host is asked to build it");
  assert.equal(await getDb().buildAttempt.count({ where: { buildId: reused.id } }), 0, "nothing was attempted");
  // Bob's identical selection is built for him, not reused from Alice.
  const [bobRevision] = await makeRevisions(bob);
  const bobs = await createBuild({ actor: bob, revisionId: bobRevision! });
  assert.equal(bobs.status, "QUEUED");
  await waitForStatus(bobs.id, "SUCCEEDED");
});

test("Range requests: 206 for good ranges, 416 for unsatisfiable ones", async () => {
  const alice = await makeActor("alice");
  if (hosts.length === 0) hosts.push(await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild(), log: quiet }));
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  const done = await waitForStatus(build.id, "SUCCEEDED");
  const iso = done.artifacts.find((a) => a.kind === "ISO")!;
  const size = Number(iso.sizeBytes);
  const path = `/api/artifacts/${iso.id}`;
  const whole = (await download(path, alice.cookie)).body;

  const first = await download(path, alice.cookie, { range: "bytes=0-99" });
  assert.equal(first.response.status, 206);
  assert.equal(first.response.headers.get("content-range"), `bytes 0-99/${size}`);
  assert.deepEqual(first.body, whole.subarray(0, 100));

  const rest = await download(path, alice.cookie, { range: "bytes=100-" });
  assert.equal(rest.response.status, 206);
  assert.deepEqual(Buffer.concat([first.body, rest.body]), whole, "a resumed download joins up byte for byte");

  const suffix = await download(path, alice.cookie, { range: "bytes=-10" });
  assert.equal(suffix.response.status, 206);
  assert.deepEqual(suffix.body, whole.subarray(size - 10));

  const clamped = await download(path, alice.cookie, { range: `bytes=${size - 5}-${size + 1000}` });
  assert.equal(clamped.response.status, 206);
  assert.equal(clamped.body.length, 5);

  for (const bad of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=50-10", "bytes=-0", "bytes=abc", "bytes=-"]) {
    const { response } = await download(path, alice.cookie, { range: bad });
    assert.equal(response.status, 416, bad);
    assert.equal(response.headers.get("content-range"), `bytes */${size}`, bad);
  }
  // Not a byte range, or several: the whole file.
  assert.equal((await download(path, alice.cookie, { range: "items=0-1" })).response.status, 200);
  assert.equal((await download(path, alice.cookie, { range: "bytes=0-1,5-6" })).response.status, 200);
  // A stale If-Range (the file changed) gets the whole file.
  assert.equal((await download(path, alice.cookie, { range: "bytes=0-1", "if-range": '"other"' })).response.status, 200);
  assert.equal((await download(`/api/artifacts/nope`, alice.cookie)).response.status, 404);
});

test("two workers on one queue share the builds, each built once", async () => {
  const alice = await makeActor("alice");
  for (const host of hosts.splice(0)) await host.close();
  const a = await startBuildHost({ env: await hostEnv(app.appUrl, "host-a-" + Date.now()), runBuild: fakeBuild({ durationMs: 700 }), log: quiet });
  const b = await startBuildHost({ env: await hostEnv(app.appUrl, "host-b-" + Date.now()), runBuild: fakeBuild({ durationMs: 700 }), log: quiet });
  hosts.push(a, b);
  // Different selections per revision would reuse nothing anyway: four queued builds of four revisions.
  const revisions = await makeRevisions(alice, 4);
  const builds = await Promise.all(revisions.map((revisionId) => createBuild({ actor: alice, revisionId })));
  const done = await Promise.all(builds.map((b) => waitForStatus(b.id, "SUCCEEDED")));
  assert.ok(
    done.every((d) => d.attempt === 1),
    "nobody built twice",
  );
  assert.equal(new Set(done.map((d) => d.hostId)).size, 2, "both hosts built");
  const redis = new Redis(process.env.REDIS_URL!);
  assert.equal(await redis.llen(`bull:${buildQueueName("x86_64")}:wait`), 0);
  redis.disconnect();
});

test("cancel kills the running build on its host; retry builds it again as a new attempt", async () => {
  const alice = await makeActor("alice");
  for (const host of hosts.splice(0)) await host.close();
  let sawAbort = false;
  const slow = fakeBuild({ durationMs: 20_000 });
  const host = await startBuildHost({
    env: await hostEnv(app.appUrl),
    runBuild: async (options) => {
      options.signal.addEventListener("abort", () => (sawAbort = true));
      return slow(options);
    },
    log: quiet,
  });
  hosts.push(host);
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await waitFor("the build to run", async () => (await getBuild(build.id)).phase === "realising");
  const { cancelBuild, retryBuild } = await import("@/lib/builds");
  await cancelBuild({ actor: alice, buildId: build.id });
  await waitFor("the engine to be aborted", async () => sawAbort, 5_000);
  await waitFor("the host to be idle", async () => host.running.size === 0, 5_000);
  assert.equal((await getBuild(build.id)).status, "CANCELLED");

  const retried = await retryBuild({ actor: alice, buildId: build.id });
  assert.equal(retried.attempt, 2);
  assert.equal(retried.status, "QUEUED");
  await waitFor("attempt 2 to run", async () => (await getBuild(build.id)).status === "RUNNING");
  await cancelBuild({ actor: alice, buildId: build.id });
});

test("retention keeps the newest N ISOs per profile, deleting files and rows together, but never a reused one", async () => {
  const { applyRetention } = await import("@/lib/artifacts/retention");
  const { getArtifactStorage } = await import("@/lib/artifacts/storage");
  const alice = await makeActor("alice");
  for (const host of hosts.splice(0)) await host.close();
  hosts.push(await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ durationMs: 100 }), log: quiet }));
  const revisions = await makeRevisions(alice, 3);
  const produced: Awaited<ReturnType<typeof getBuild>>[] = [];
  for (const revisionId of revisions) {
    const build = await createBuild({ actor: alice, revisionId });
    produced.push(await waitForStatus(build.id, "SUCCEEDED"));
    // So that the next Build makes a new ISO instead of reusing this one.
    await getDb().build.update({ where: { id: build.id }, data: { configHash: `old-${build.id}` } });
  }
  const oldest = produced[0]!;
  const profileId = (await getDb().profileRevision.findUniqueOrThrow({ where: { id: revisions[0]! } })).profileId;
  // A build of another profile still reuses the oldest ISO: it stays.
  const [otherRevision] = await makeRevisions(alice);
  const reuser = await getDb().build.create({
    data: {
      revisionId: otherRevision!,
      requestedById: alice.id,
      arch: "x86_64",
      channel: "mini",
      channelRevision: oldest.channelRevision,
      configHash: "x",
      status: "SUCCEEDED",
      reusedFromId: oldest.id,
      finishedAt: new Date(),
    },
  });
  assert.equal((await applyRetention({ profileId, keep: 2 })).deleted, 0);
  await getDb().build.delete({ where: { id: reuser.id } });
  assert.equal((await applyRetention({ profileId, keep: 2 })).deleted, 1);

  const left = await getDb().build.findMany({ where: { requestedById: alice.id } });
  assert.deepEqual(left.map((b) => b.id).sort(), [produced[1]!.id, produced[2]!.id].sort());
  assert.equal(await getDb().artifact.count({ where: { buildId: oldest.id } }), 0);
  const storage = getArtifactStorage();
  for (const artifact of oldest.artifacts) assert.equal(await storage.size(artifact.storageKey), null, "the file went with the row");
  for (const artifact of produced[2]!.artifacts) assert.notEqual(await storage.size(artifact.storageKey), null);
});
