// The build-host boundary against real PostgreSQL and Redis: one test per way a host (or whoever holds Redis) could
// abuse it. Each played by hand over the host API, or by a real worker whose Redis user sees only its queue's keys.
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { request } from "node:http";
import { statfs } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Selection } from "@/contracts/selection";
import { toBuild } from "@/lib/api/serialize";
import { createBuild, getBuildOrThrow } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { ensureLocalBuildHost, revokeHost } from "@/lib/hosts";
import { readAllLogEvents } from "@/lib/log-stream";
import { closeQueues, getBuildQueue } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { reconcileBuilds } from "@/lib/reconciler";
import { startBuildHost } from "@/worker/host";
import { fakeBuild } from "./builds/fake-build";
import { getBuild, hostCall as callHost, hostEnv, makeActor, makeRevisions, resultFor, waitForStatus } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

let app: Awaited<ReturnType<typeof startAppServer>>;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const quiet = () => undefined;
const hostCall = (path: string, token: string, init: Parameters<typeof callHost>[3] = {}) => callHost(app.appUrl, path, token, init);

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

/** A queued build nobody else will take: this test plays the host. */
async function queuedBuild(label = "alice") {
  const actor = await makeActor(label);
  const [revisionId] = await makeRevisions(actor);
  const build = await createBuild({ actor, revisionId: revisionId! });
  await getBuildQueue("x86_64").remove(build.id);
  return build;
}

/** Claims attempt 1 and uploads an ISO for it, as an honest host would. */
async function claimAndUpload(buildId: string, hostToken: string) {
  const claim = await hostCall(`/api/host/builds/${buildId}/claim`, hostToken, { body: { attempt: 1 } });
  assert.equal(claim.status, 200, JSON.stringify(claim.json));
  const bytes = Buffer.from(`an ISO of ${buildId}`);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const put = await hostCall(`/api/host/builds/${buildId}/attempts/1/artifacts/iso`, claim.json.attemptToken, {
    method: "PUT",
    raw: bytes,
    headers: { "x-content-size": String(bytes.length), "x-content-sha256": sha256 },
  });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  return { token: claim.json.attemptToken as string, iso: { sha256, isoSizeBytes: bytes.length } };
}

test("a second host cannot claim a build running on a live host; it takes it over once that host is offline", async () => {
  const build = await queuedBuild();
  const envA = await hostEnv(app.appUrl, `first-${Date.now()}`);
  const envB = await hostEnv(app.appUrl, `second-${Date.now()}`);
  const armName = `arm-${Date.now()}`;
  const arm = await hostCall(`/api/host/builds/${build.id}/claim`, await ensureLocalBuildHost({ name: armName, arch: "aarch64" }), { body: { attempt: 1 } });
  assert.equal(arm.status, 409, "a host of another arch cannot take it");
  assert.equal(arm.json.error.message, `Build ${build.id} is for x86_64; host ${armName} builds aarch64`);
  assert.equal(
    (await hostCall(`/api/host/builds/${build.id}/claim`, envA.ZXCV_HOST_TOKEN, { body: { attempt: 2 } })).status,
    409,
    "nor a job naming another attempt",
  );
  const claimA = await hostCall(`/api/host/builds/${build.id}/claim`, envA.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  assert.equal(claimA.status, 200);
  assert.equal((await hostCall("/api/host/heartbeat", envA.ZXCV_HOST_TOKEN, { body: { running: [{ buildId: build.id, attempt: 1 }] } })).status, 200);

  const claimB = await hostCall(`/api/host/builds/${build.id}/claim`, envB.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  assert.equal(claimB.status, 409);
  assert.match(
    claimB.json.error.message,
    new RegExp(`is running on host ${envA.ZXCV_HOST_NAME} \\(attempt 1, last heartbeat \\d+ s ago\\); host ${envB.ZXCV_HOST_NAME} may not take it`),
  );
  assert.ok(claimB.json.error.details.retryAfterSeconds >= 1, "the refusal says when to ask again");
  const refusals = await getDb().buildRefusal.findMany({ where: { buildId: build.id }, orderBy: { createdAt: "asc" } });
  assert.deepEqual(
    refusals.map((r) => r.hostName),
    [armName, envB.ZXCV_HOST_NAME],
    "the refused claims are recorded",
  );
  const running = await getBuild(build.id);
  assert.equal(running.host?.name, envA.ZXCV_HOST_NAME);
  assert.equal(running.attempt, 1);
  const phase = { phase: "realising", progress: 0.2, detail: "" };
  assert.equal(
    (await hostCall(`/api/host/builds/${build.id}/attempts/1/phase`, claimA.json.attemptToken, { body: phase })).status,
    200,
    "the first host was not cut off",
  );
  // Its first phase makes the claimed attempt a running one, and the build page shows the phase.
  const reported = await getDb().build.findUniqueOrThrow({ where: { id: build.id }, include: { attempts: true } });
  assert.deepEqual([reported.phase, reported.progress, reported.attempts.map((a) => a.status)], ["realising", 0.2, ["RUNNING"]]);

  // The first host goes silent past the offline threshold: now the second one may take it, as attempt 2.
  await getDb().buildHost.update({ where: { name: envA.ZXCV_HOST_NAME }, data: { lastHeartbeatAt: new Date(Date.now() - 60_000) } });
  const takeover = await hostCall(`/api/host/builds/${build.id}/claim`, envB.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  assert.equal(takeover.status, 200);
  assert.equal(takeover.json.attempt, 2);
  assert.equal(
    (await hostCall(`/api/host/builds/${build.id}/attempts/1/phase`, claimA.json.attemptToken, { body: phase })).status,
    409,
    "the lost attempt's token is refused",
  );
  const attempts = await getDb().buildAttempt.findMany({ where: { buildId: build.id }, orderBy: { number: "asc" }, include: { host: true } });
  assert.deepEqual(
    attempts.map((a) => [a.number, a.host?.name, a.status]),
    [
      [1, envA.ZXCV_HOST_NAME, "LOST"],
      [2, envB.ZXCV_HOST_NAME, "CLAIMED"],
    ],
  );
  assert.match(attempts[0]!.failureReason!, new RegExp(`went offline during attempt 1; host ${envB.ZXCV_HOST_NAME} took the build over`));
  // The REST build resource carries the same history.
  const wire = toBuild(await getBuildOrThrow({ actor: { id: build.requestedById, role: "MEMBER", email: "", name: "alice" }, buildId: build.id }));
  assert.deepEqual(
    wire.attempts.map((a) => [a.number, a.host, a.status]),
    [
      [1, envA.ZXCV_HOST_NAME, "LOST"],
      [2, envB.ZXCV_HOST_NAME, "CLAIMED"],
    ],
  );
});

test("a build its live host stopped reporting (the worker restarted) is queued again as the next attempt", async () => {
  const build = await queuedBuild();
  const env = await hostEnv(app.appUrl);
  assert.equal((await hostCall(`/api/host/builds/${build.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt: 1 } })).status, 200);
  // Still reported: nothing happens, however long it runs.
  await getDb().build.update({ where: { id: build.id }, data: { startedAt: new Date(Date.now() - 60_000) } });
  assert.deepEqual((await hostCall("/api/host/heartbeat", env.ZXCV_HOST_TOKEN, { body: { running: [{ buildId: build.id, attempt: 1 }] } })).json, { stop: [] });
  assert.equal((await getBuild(build.id)).status, "RUNNING");
  // The restarted worker beats without it: the app's claim on that host is void.
  await hostCall("/api/host/heartbeat", env.ZXCV_HOST_TOKEN, { body: { running: [] } });
  const requeued = await getBuild(build.id);
  assert.equal(requeued.status, "QUEUED");
  assert.equal(requeued.attempt, 2);
  assert.ok(await getBuildQueue("x86_64").getJob(build.id), "attempt 2 is on the queue");
  const lost = await getDb().buildAttempt.findUniqueOrThrow({ where: { buildId_number: { buildId: build.id, number: 1 } } });
  assert.equal(lost.status, "LOST");
  assert.match(lost.failureReason!, /stopped reporting attempt 1 \(its worker restarted\) while it stayed online/);
  await getBuildQueue("x86_64").remove(build.id);
});

test("a forged result is refused with 422, recorded on the attempt, and nothing is published", async () => {
  const env = await hostEnv(app.appUrl);
  const forgeries: [string, (r: Awaited<ReturnType<typeof resultFor>>) => unknown, RegExp][] = [
    ["wrong selection hash", (r) => ({ ...r, selectionHash: "0".repeat(64) }), /its selection hash is 0{64}, the build's is [0-9a-f]{64}/],
    ["wrong channel revision", (r) => ({ ...r, channelRevision: "f".repeat(64) }), /its channel revision is f{64}, the build's is [0-9a-f]{64}/],
    ["wrong arch", (r) => ({ ...r, arch: "aarch64" }), /its arch is aarch64, the build's is x86_64/],
    ["another ISO's sha256", (r) => ({ ...r, sha256: "a".repeat(64) }), /its ISO sha256 is a{64}, the uploaded ISO's is [0-9a-f]{64}/],
    [
      "a failed boot test claimed as passed",
      (r) => ({ ...r, bootTests: r.bootTests.map((t) => ({ ...t, passed: true, marker: null, problem: "the system printed no marker line" })) }),
      /its bios boot test says passed but shows no marker line/,
    ],
    [
      "the UEFI boot test left out (GRUB needs it)",
      (r) => ({ ...r, bootTests: r.bootTests.filter((t) => t.firmware === "bios") }),
      /it has no passed uefi boot test, which this selection needs/,
    ],
    ["not a result at all", () => ({ sha256: "a".repeat(64), isoSizeBytes: 1, bootTests: [{ firmware: "bios", passed: true }] }), /result\.version: /],
  ];
  for (const [what, forge, expected] of forgeries) {
    const build = await queuedBuild();
    const { token, iso } = await claimAndUpload(build.id, env.ZXCV_HOST_TOKEN);
    const forged = forge(await resultFor(build.id, iso));
    const answer = await hostCall(`/api/host/builds/${build.id}/attempts/1/complete`, token, { body: { result: forged } });
    assert.equal(answer.status, 422, what);
    assert.match(answer.json.error.message, expected, what);
    const refused = await getBuild(build.id);
    assert.equal(refused.status, "FAILED", what);
    assert.match(refused.failureReason!, /^The result of attempt 1 was refused: /, what);
    assert.deepEqual(
      refused.artifacts.filter((a) => a.kind === "ISO"),
      [],
      `${what}: the ISO is not published`,
    );
    const attempt = await getDb().buildAttempt.findUniqueOrThrow({ where: { buildId_number: { buildId: build.id, number: 1 } } });
    assert.equal(attempt.status, "FAILED", what);
    assert.match(attempt.failureReason!, expected, `${what}: recorded on the attempt`);
    assert.equal(await getDb().buildRefusal.count({ where: { buildId: build.id } }), 1, what);
    // A later identical build does not reuse it.
    const again = await createBuild({ actor: { id: refused.requestedById, role: "MEMBER", email: "", name: "alice" }, revisionId: refused.revisionId });
    assert.equal(again.reusedFromId, null, what);
    await getBuildQueue("x86_64").remove(again.id);
    await getDb().build.delete({ where: { id: again.id } });
  }
  // The same calls with the honest result publish the ISO: the checks refuse forgeries, not results.
  const build = await queuedBuild();
  const { token, iso } = await claimAndUpload(build.id, env.ZXCV_HOST_TOKEN);
  const honest = await hostCall(`/api/host/builds/${build.id}/attempts/1/complete`, token, { body: { result: await resultFor(build.id, iso) } });
  assert.equal(honest.status, 200, JSON.stringify(honest.json));
  assert.equal((await getBuild(build.id)).status, "SUCCEEDED");
});

test("a job rewritten in Redis: the host builds what the app says, not what Redis says", async () => {
  const alice = await makeActor("alice");
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  const job = (await getBuildQueue("x86_64").getJob(build.id))!;
  const appSelection = (await getDb().profileRevision.findUniqueOrThrow({ where: { id: revisionId! } })).selection as Selection;
  const evil: Selection = { ...appSelection, roles: { ...appSelection.roles, shell: "zsh" }, packages: ["curl"] };
  await job.updateData({ v: 1, buildId: build.id, attempt: 1, selection: evil, channel: "mini", channelRevision: "rewritten", arch: "x86_64" });
  const built: Selection[] = [];
  const fake = fakeBuild({ durationMs: 100 });
  const host = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: (options) => (built.push(options.selection), fake(options)), log: quiet });
  cleanups.push(() => host.close());
  await waitForStatus(build.id, "SUCCEEDED");
  await host.close();
  assert.deepEqual(built, [appSelection]);
});

test("a host speaks only for its own attempt: log lines and phases for another build or attempt are refused", async () => {
  const env = await hostEnv(app.appUrl);
  const mine = await queuedBuild();
  const theirs = await queuedBuild("bob");
  const claim = await hostCall(`/api/host/builds/${mine.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  const token: string = claim.json.attemptToken;
  const lines = { lines: ["zxcv: build finished", "forged line"] };
  assert.equal((await hostCall(`/api/host/builds/${theirs.id}/attempts/1/log`, token, { body: lines })).status, 401);
  assert.equal((await hostCall(`/api/host/builds/${theirs.id}/attempts/1/phase`, token, { body: { phase: "done", progress: 1, detail: "" } })).status, 401);
  assert.equal((await hostCall(`/api/host/builds/${mine.id}/attempts/2/log`, token, { body: lines })).status, 401);
  assert.deepEqual(await readAllLogEvents(getRedis(), theirs.id), [], "nothing reached the other build's live log");
  assert.equal((await getBuild(theirs.id)).phase, "queued");

  const own = await hostCall(`/api/host/builds/${mine.id}/attempts/1/log`, token, { body: { lines: ["line one", "line two"] } });
  assert.equal(own.status, 200);
  assert.deepEqual(
    (await readAllLogEvents(getRedis(), mine.id)).filter((e) => e.type === "line").map((e) => e.type === "line" && e.text),
    ["line one", "line two"],
  );
  const tooMany = await hostCall(`/api/host/builds/${mine.id}/attempts/1/log`, token, { body: { lines: Array.from({ length: 501 }, () => "x") } });
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.json.error.message, /at most 500 lines per batch/);

  // Cancelled: the host learns it from the answer to its next log post.
  const { cancelBuild } = await import("@/lib/builds");
  await cancelBuild({ actor: { id: mine.requestedById, role: "MEMBER", email: "", name: "alice" }, buildId: mine.id });
  const afterCancel = await hostCall(`/api/host/builds/${mine.id}/attempts/1/log`, token, { body: { lines: ["still building?"] } });
  assert.equal(afterCancel.status, 409);
  assert.match(afterCancel.json.error.message, /is cancelled: attempt 1 can no longer change it/);
});

test("a worker whose Redis user sees only its queue's keys builds end to end", async () => {
  const redis = getRedis();
  const password = `pw-${Date.now()}`;
  const user = `host-only-queue-${Date.now()}`;
  // Its queue's keys and nothing else: no log streams, no cancel channel, no other queue, no admin commands.
  await redis.call(
    "ACL",
    "SETUSER",
    user,
    "on",
    `>${password}`,
    "resetkeys",
    "~bull:builds-x86_64:*",
    "resetchannels",
    "-@all",
    "+@read",
    "+@write",
    "+@stream",
    "+@list",
    "+@hash",
    "+@sortedset",
    "+@string",
    "+@set",
    "+@keyspace",
    "+@scripting",
    "+@connection",
    "+@transaction",
    "+@blocking",
    "+@fast",
    "+@slow",
    "-@dangerous",
    "+info",
    "+client|setname",
    "+client|getname",
  );
  cleanups.push(() => redis.call("ACL", "DELUSER", user));
  const url = new URL(process.env.REDIS_URL!);
  url.username = user;
  url.password = password;
  const alice = await makeActor("alice");
  const [revisionId] = await makeRevisions(alice);
  const env = await hostEnv(app.appUrl, `acl-${Date.now()}`, { REDIS_URL: url.toString() });
  const host = await startBuildHost({ env, runBuild: fakeBuild({ durationMs: 200 }), log: quiet });
  cleanups.push(() => host.close());
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  const done = await waitForStatus(build.id, "SUCCEEDED");
  await host.close();
  assert.ok(done.artifacts.some((a) => a.kind === "ISO"));
  const denied = (await redis.call("ACL", "LOG")) as unknown[][];
  const byUser = denied.filter((entry) => entry.some((v, i) => entry[i - 1] === "username" && v === user));
  assert.deepEqual(byUser, [], "the worker touched nothing outside its queue");
});

test("a revoked host token: 401 at its next request, the worker stops with one line, its build goes to another host", async () => {
  const admin = await makeActor("admin");
  await getDb().user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  const member = await makeActor("member");
  const lines: string[] = [];
  const env = await hostEnv(app.appUrl, `revoked-${Date.now()}`);
  const host = await startBuildHost({ env, runBuild: fakeBuild({ durationMs: 20_000 }), log: (line) => lines.push(line) });
  cleanups.push(() => host.close());
  const alice = await makeActor("alice");
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await waitFor("the build to run on the host", async () => (await getBuild(build.id)).phase === "realising");
  const row = await getDb().buildHost.findUniqueOrThrow({ where: { name: env.ZXCV_HOST_NAME } });

  await assert.rejects(revokeHost({ actor: { ...member, role: "MEMBER" }, hostId: row.id }), /Only the dashboard's admin can revoke build hosts/);
  await revokeHost({ actor: { ...admin, role: "ADMIN" }, hostId: row.id });
  const why = await host.stopped;
  assert.match(why, new RegExp(`The token of build host ${env.ZXCV_HOST_NAME} was revoked on `));
  assert.equal(lines.filter((l) => l.includes("refused this host's token")).length, 1, "one clear line");
  assert.equal(host.running.size, 0, "its build was stopped");
  const heartbeat = await hostCall("/api/host/heartbeat", env.ZXCV_HOST_TOKEN, { body: { running: [] } });
  assert.equal(heartbeat.status, 401);
  assert.match(heartbeat.json.error.message, /was revoked on .*: this host may no longer build/);

  const requeued = await getBuild(build.id);
  assert.equal(requeued.status, "QUEUED");
  assert.equal(requeued.attempt, 2);
  // The revoked host held the build's job until it stopped; the reconciler queues attempt 2's job now it is gone.
  assert.ok((await reconcileBuilds()).reEnqueued.includes(build.id));
  const other = await startBuildHost({ env: await hostEnv(app.appUrl), runBuild: fakeBuild({ durationMs: 100 }), log: quiet });
  cleanups.push(() => other.close());
  const done = await waitForStatus(build.id, "SUCCEEDED");
  assert.notEqual(done.hostId, row.id);
  await other.close();
});

test("a host cannot rename itself or change its arch after registration", async () => {
  const env = await hostEnv(app.appUrl, `named-${Date.now()}`);
  const register = (name: string, arch: string) => hostCall("/api/host/register", env.ZXCV_HOST_TOKEN, { body: { name, arch, capacity: 1, nixVersion: null } });
  assert.equal((await register(env.ZXCV_HOST_NAME, "x86_64")).status, 200);
  const renamed = await register("someone-else", "x86_64");
  assert.equal(renamed.status, 409);
  assert.match(
    renamed.json.error.message,
    new RegExp(`This token belongs to build host "${env.ZXCV_HOST_NAME}" \\(x86_64\\); it cannot register as "someone-else"`),
  );
  const rearched = await register(env.ZXCV_HOST_NAME, "aarch64");
  assert.equal(rearched.status, 409);
  const row = await getDb().buildHost.findUniqueOrThrow({ where: { name: env.ZXCV_HOST_NAME } });
  assert.equal(row.arch, "x86_64");
});

test("a host whose checkout has another channel revision refuses the build, saying what to do", async () => {
  const alice = await makeActor("alice");
  const [revisionId] = await makeRevisions(alice);
  const build = await createBuild({ actor: alice, revisionId: revisionId! });
  await getDb().build.update({ where: { id: build.id }, data: { channelRevision: "b".repeat(64) } });
  let isBuilt = false;
  const host = await startBuildHost({
    env: await hostEnv(app.appUrl),
    runBuild: async (options) => ((isBuilt ||= options.workDir.includes(build.id)), fakeBuild()(options)),
    log: quiet,
  });
  cleanups.push(() => host.close());
  const failed = await waitForStatus(build.id, "FAILED");
  await host.close();
  assert.match(
    failed.failureReason!,
    /^The preparing step failed: this host has channel mini at revision [0-9a-f]{12}, the build needs bbbbbbbbbbbb: update the host's checkout\.$/,
  );
  // Other builds of this file may still be queued and are built; this one must not be.
  assert.equal(isBuilt, false, "nothing of this build was built");
});

test("uploads: a ceiling, a free-space check, and one upload per attempt at a time", async () => {
  const env = await hostEnv(app.appUrl);
  const build = await queuedBuild();
  const claim = await hostCall(`/api/host/builds/${build.id}/claim`, env.ZXCV_HOST_TOKEN, { body: { attempt: 1 } });
  const token: string = claim.json.attemptToken;
  const path = `/api/host/builds/${build.id}/attempts/1/artifacts/iso`;
  const bytes = Buffer.alloc(200_000, 3);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const declare = (size: number) => ({ "x-content-size": String(size), "x-content-sha256": sha });

  const ceiling = Number(process.env.MAX_UPLOAD_BYTES);
  const tooBig = await hostCall(path, token, { method: "PUT", raw: bytes.subarray(0, 10), headers: declare(ceiling + 1) });
  assert.equal(tooBig.status, 413);
  assert.match(
    tooBig.json.error.message,
    new RegExp(`declares .* \\(${ceiling + 1} bytes\\); the dashboard accepts at most .* per artifact \\(MAX_UPLOAD_BYTES\\)`),
  );

  const fs = await statfs(process.env.ARTIFACT_DIR!);
  const free = fs.bavail * fs.bsize;
  assert.ok(free < ceiling, "the test's ceiling lies above the disk's free space");
  const noRoom = await hostCall(path, token, { method: "PUT", raw: bytes.subarray(0, 10), headers: declare(free + 1024 ** 3) });
  assert.equal(noRoom.status, 507);
  assert.match(noRoom.json.error.message, /^Artifact storage is full: this file needs .* and .* is free in .* \(ARTIFACT_DIR\)/);

  // A first upload that is still sending holds the attempt; a second one is refused until it ended.
  const first = request(`${app.appUrl}${path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-length": String(bytes.length), ...declare(bytes.length) },
  });
  const firstAnswer = new Promise<number>((resolve, reject) => {
    first.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    first.on("error", reject);
  });
  first.write(bytes.subarray(0, 50_000));
  await waitFor(
    "the first upload to hold the attempt",
    async () => (await getDb().buildAttempt.findFirst({ where: { buildId: build.id, number: 1, uploadLockId: { not: null } } })) !== null,
    5_000,
  );
  const second = await hostCall(path, token, { method: "PUT", raw: bytes, headers: declare(bytes.length) });
  assert.equal(second.status, 409);
  assert.match(second.json.error.message, new RegExp(`Another upload for attempt 1 of build ${build.id} is still running`));
  first.end(bytes.subarray(50_000));
  assert.equal(await firstAnswer, 200);
  const after = await hostCall(path, token, { method: "PUT", raw: bytes, headers: declare(bytes.length) });
  assert.equal(after.status, 200, "the attempt is free again once the first upload ended");
});
