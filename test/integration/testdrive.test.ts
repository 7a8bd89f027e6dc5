// Test-drives against real PostgreSQL, Redis and QEMU: a real ISO (built once by the engine) booted by a real build
// host, its serial console relayed by the app's route handlers. The lifecycle: a closed page, the time limit, one
// session per person, the per-host cap against build capacity, and a session token valid for its session only.
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { defaultSelection, validateSelection } from "@/contracts/selection";
import { createBuild } from "@/lib/builds";
import { getChannelOrThrow } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { shareBuild } from "@/lib/sharing";
import { createTestDrive, setTestDriveOnShare } from "@/lib/testdrive";
import { pollingKey } from "@/lib/testdrive/relay";
import { buildIso } from "@/worker/engine/build-iso";
import { startBuildHost } from "@/worker/host";
import { fakeBuild } from "./builds/fake-build";
import { openTestDriveConsole, seedSucceededBuild, waitForTestDrivePolling, type SeededIso } from "./builds/testdrive-fixtures";
import { hostCall, hostEnv, makeActor, makeRevisions } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

// A short limit, so the time-limit test waits one boot and a little more (the page shows whatever is configured).
process.env.TESTDRIVE_LIMIT_SECONDS = "75";
process.env.TESTDRIVE_SESSIONS_PER_HOST = "2";

let app: Awaited<ReturnType<typeof startAppServer>>;
let host: Awaited<ReturnType<typeof startBuildHost>>;
let hostName: string;
let hostId: string;
let isoBuildId: string;
let owner: Awaited<ReturnType<typeof makeActor>>;
let iso: SeededIso;

/** The QEMU processes of a session on this machine (QEMU runs with `-name zxcv-testdrive-<id>`). */
function qemuPidsOf(sessionId: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`zxcv-testdrive-${sessionId}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const openConsole = (sessionId: string, cookie: string) => openTestDriveConsole({ appUrl: app.appUrl, sessionId, cookie, origin: getEnv().APP_URL });

before(async () => {
  await getRedis().flushdb();
  app = await startAppServer();
  hostName = `testdrive-${Date.now()}`;
  owner = await makeActor("driver");
  const workDir = await mkdtemp(join(tmpdir(), "zxcv-testdrive-iso-"));
  const selection = defaultSelection((await getChannelOrThrow("mini")).catalog);
  const built = await buildIso({ selection, workDir, bootTest: false });
  iso = { path: built.isoPath, sha256: built.sha256, size: built.isoSizeBytes, storePath: built.isoPath };
  isoBuildId = await seedSucceededBuild(owner, iso);
  host = await startBuildHost({
    env: await hostEnv(app.appUrl, hostName, { ZXCV_HOST_CAPACITY: "2" }),
    runBuild: fakeBuild({ durationMs: 20_000 }),
    log: () => undefined,
  });
  hostId = await waitForTestDrivePolling(hostName);
});

after(async () => {
  await host?.close();
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

test("boot, type uname -r, see the kernel; the session ends at the time limit and QEMU is gone", { timeout: 300_000 }, async () => {
  const session = await createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "bios" });
  assert.equal(session.limitSeconds, 75);
  assert.equal(session.memoryMb, 512);
  const console = openConsole(session.id, owner.cookie);
  try {
    await waitFor("the shell prompt on the serial console", async () => console.text().includes("zxcv# "), 150_000);
    assert.equal((await console.type("uname -r\r")).status, 200);
    const kernel = await waitFor("uname -r's answer", async () => /uname -r\r?\n(\d+\.\d+\.\d+-\d+-(?:cloud-)?amd64)\r?\n/.exec(console.text())?.[1], 30_000);
    assert.match(kernel, /-amd64$/);
    assert.ok(qemuPidsOf(session.id).length > 0, "QEMU runs on the host while the session lasts");
    // The screen as a picture: the page is told of each new one and reads it as a PNG.
    await waitFor("a picture of the screen", async () => console.state.screens > 0, 30_000);
    const screen = await fetch(`${app.appUrl}/api/testdrive/${session.id}/screen`, { headers: { cookie: owner.cookie } });
    assert.equal(screen.headers.get("content-type"), "image/png");
    assert.deepEqual([...Buffer.from(await screen.arrayBuffer()).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    await console.done;
    assert.match(console.state.end ?? "", /time limit \(75 s\)/);
    await waitFor("QEMU to be gone", async () => qemuPidsOf(session.id).length === 0, 30_000);
    const row = await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id } });
    assert.equal(row.status, "ENDED");
  } finally {
    await console.close();
  }
});

test("closing the page ends the session and QEMU on the host", { timeout: 120_000 }, async () => {
  const session = await createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "uefi" });
  const console = openConsole(session.id, owner.cookie);
  await waitFor("QEMU to start and print", async () => qemuPidsOf(session.id).length > 0 && console.state.bytes.length > 0, 60_000);
  await console.close();
  await waitFor("the session to end", async () => (await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id } })).status === "ENDED");
  const row = await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id } });
  assert.equal(row.endReason, "The page was closed");
  await waitFor("QEMU to be gone", async () => qemuPidsOf(session.id).length === 0, 30_000);
  // The host lets go of the session once it has seen QEMU exit, a moment after the process is gone.
  await waitFor("the host to hold no session", async () => host.drives.sessions.size === 0, 10_000);
});

test("one session per person; a host's sessions and builds share its capacity; a session token speaks for its session only", { timeout: 120_000 }, async () => {
  const first = await createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "bios" });
  await assert.rejects(createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "bios" }), /You have a test-drive running already/);

  // The host has capacity 2: the first session holds one slot, a build the other; a second person finds no room.
  const other = await makeActor("builder");
  const catalog = (await getChannelOrThrow("mini")).catalog;
  // A selection no other build has (a random optional package the default selection can carry: some need Bash), so it
  // really queues and runs on the host.
  const buildable = catalog.packages
    .map((p) => ({ ...defaultSelection(catalog), packages: [p.id] }))
    .filter((selection) => validateSelection(catalog, selection).length === 0);
  const [revisionId] = await makeRevisions(other, 1, buildable[randomInt(buildable.length)]!);
  const build = await createBuild({ actor: other, revisionId: revisionId! });
  await waitFor("the host to take the build", async () => (await getDb().build.findUniqueOrThrow({ where: { id: build.id } })).status === "RUNNING");
  // Its ISO is the same file, but the store path the app passes on is gone: the host downloads it from the app.
  const otherIso = await seedSucceededBuild(other, { ...iso, storePath: "/nix/store/00000000000000000000000000000000-gone/zxcv-mini.iso" });
  await assert.rejects(createTestDrive({ actor: other, buildId: otherIso, firmware: "bios" }), /Every x86_64 build host is busy/);

  // A session token cannot speak for another session; a host token is not a session token.
  await waitFor("the first session to run", async () => (await getDb().testDriveSession.findUniqueOrThrow({ where: { id: first.id } })).status === "RUNNING");
  assert.equal(host.worker.concurrency, 1, "the host takes one build at a time while a session holds its other slot");
  const forged = await hostCall(app.appUrl, `/api/host/testdrive/${first.id}/output`, "zxt_not-a-real-token-0000000000", { body: { data: "" } });
  assert.equal(forged.status, 401);
  const hostToken = await hostCall(app.appUrl, `/api/host/testdrive/${first.id}/input`, (await hostEnv(app.appUrl, hostName + "-x")).ZXCV_HOST_TOKEN, {
    body: { after: "0" },
  });
  assert.equal(hostToken.status, 401);

  // The first session ends: the other person's session starts, its ISO downloaded from the app (the store path is gone).
  const ended = await fetch(`${app.appUrl}/api/testdrive/${first.id}/end`, { method: "POST", headers: { cookie: owner.cookie, origin: getEnv().APP_URL } });
  assert.equal(ended.status, 200);
  await waitFor("QEMU of the first session to be gone", async () => qemuPidsOf(first.id).length === 0, 30_000);
  const second = await createTestDrive({ actor: other, buildId: otherIso, firmware: "bios" });
  await waitFor(
    "the second session to run",
    async () => (await getDb().testDriveSession.findUniqueOrThrow({ where: { id: second.id } })).status === "RUNNING",
    60_000,
  );
  await fetch(`${app.appUrl}/api/testdrive/${second.id}/end`, { method: "POST", headers: { cookie: other.cookie, origin: getEnv().APP_URL } });
  await waitFor("QEMU of the second session to be gone", async () => qemuPidsOf(second.id).length === 0, 30_000);
  await waitFor("the host to hold no session", async () => host.drives.sessions.size === 0);
  assert.equal(host.worker.concurrency, 2, "with no session the host builds at its capacity again");
});

test("a shared ISO can be tried by someone else only while its owner allows it, as their own session", { timeout: 120_000 }, async () => {
  const { token } = await shareBuild({ actor: owner, buildId: isoBuildId });
  const visitor = await makeActor("visitor");
  await assert.rejects(createTestDrive({ actor: visitor, shareToken: token, firmware: "bios" }), /No such build/);
  await setTestDriveOnShare({ actor: visitor, buildId: isoBuildId, isAllowed: true }).then(
    () => assert.fail("only the owner may allow it"),
    (error: Error) => assert.match(error.message, /No such build/),
  );
  await setTestDriveOnShare({ actor: owner, buildId: isoBuildId, isAllowed: true });
  const session = await createTestDrive({ actor: visitor, shareToken: token, firmware: "bios" });
  assert.equal((await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id } })).userId, visitor.id);
  const notTheirs = await fetch(`${app.appUrl}/api/testdrive/${session.id}/end`, {
    method: "POST",
    headers: { cookie: owner.cookie, origin: getEnv().APP_URL },
  });
  assert.equal(notTheirs.status, 404, "the owner of the build cannot touch the visitor's session");
  await waitFor(
    "the session to run",
    async () => (await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id } })).status === "RUNNING",
    60_000,
  );
  const ended = await fetch(`${app.appUrl}/api/testdrive/${session.id}/end`, { method: "POST", headers: { cookie: visitor.cookie, origin: getEnv().APP_URL } });
  assert.equal(ended.status, 200);
  await waitFor("QEMU to be gone", async () => qemuPidsOf(session.id).length === 0, 30_000);
  await setTestDriveOnShare({ actor: owner, buildId: isoBuildId, isAllowed: false });
  await assert.rejects(createTestDrive({ actor: visitor, shareToken: token, firmware: "bios" }), /No such build/);
});

test("a host online by its heartbeat but whose worker stopped polling is offered no session: it goes to a host that polls", { timeout: 60_000 }, async () => {
  // A host that would win on free slots (capacity 8), heartbeat just now, but no worker asking for test-drives.
  const silent = await getDb().buildHost.create({
    data: { name: `silent-${Date.now()}`, arch: "x86_64", capacity: 8, tokenHash: randomBytes(32).toString("hex"), lastHeartbeatAt: new Date() },
  });
  try {
    const session = await createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "bios" });
    assert.equal(session.hostName, hostName, "the session goes to the host that polls, not to the one with the most free slots");
    await fetch(`${app.appUrl}/api/testdrive/${session.id}/end`, { method: "POST", headers: { cookie: owner.cookie, origin: getEnv().APP_URL } });
    await waitFor("the host to hold no session", async () => host.drives.sessions.size === 0, 30_000);
    // With only the silent host online, Try it says why nothing can run, instead of waiting for a host that never asks.
    await host.close();
    await getRedis().del(pollingKey(hostId));
    await assert.rejects(
      createTestDrive({ actor: owner, buildId: isoBuildId, firmware: "bios" }),
      /No online x86_64 build host is taking test-drives right now/,
    );
  } finally {
    await getDb().buildHost.delete({ where: { id: silent.id } });
  }
});
