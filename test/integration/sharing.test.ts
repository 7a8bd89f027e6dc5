// Sharing by link: B cannot reach A's profile or build by id, but can through a link A made, and only while it is
// shared; a build's link reaches that build's files and nothing else. Downloads through a link behave as the owner's.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-force-exit test/integration/sharing.test.ts
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import * as profileShareRoute from "@/app/api/v1/profiles/[id]/share/route";
import * as buildShareRoute from "@/app/api/v1/builds/[id]/share/route";
import * as sharedDownloadRoute from "@/app/share/iso/[token]/download/route";
import * as sharedLogRoute from "@/app/share/iso/[token]/log/route";
import * as profileTextRoute from "@/app/api/v1/profiles/[id]/text/route";
import { getArtifactOrThrow, listDownloads } from "@/lib/artifacts/downloads";
import { getArtifactStorage } from "@/lib/artifacts/storage";
import { createBuild, getBuildOrThrow } from "@/lib/builds";
import { listChannels } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { createMachine } from "@/lib/machines";
import { createProfile, getProfileOrThrow } from "@/lib/profiles";
import {
  getSharedArtifactOrThrow,
  getSharedBuild,
  getSharedProfile,
  importSharedProfile,
  shareBuild,
  shareProfile,
  unshareBuild,
  unshareProfile,
} from "@/lib/sharing";
import { callRoute, deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";

let a: TestPerson;
let b: TestPerson;
const ids = { profile: "", revision: "", buildOne: "", buildTwo: "", isoOne: "", isoTwo: "", logOne: "", queued: "" };
const ISO_BYTES = Buffer.from("0123456789abcdef");
const storageKeys: string[] = [];

const notFound = (error: unknown) => isAppError(error) && error.code === "NOT_FOUND";

/** A finished build of A's as a build host would leave it: its ISO (and log) in storage. */
async function finishedBuild(revisionId: string, configHash: string, label: string, withLog: boolean) {
  const db = getDb();
  const now = new Date();
  const build = await db.build.create({
    data: {
      revisionId,
      requestedById: a.actor.id,
      arch: "x86_64",
      channel: "mini",
      channelRevision: "test",
      configHash: `${configHash}-${label}`,
      status: "SUCCEEDED",
      phase: "done",
      progress: 1,
      queuedAt: now,
      startedAt: now,
      finishedAt: now,
      result: { bootTests: [{ firmware: "bios", passed: true, seconds: 3 }] },
    },
  });
  const files: { kind: "ISO" | "LOG"; bytes: Buffer; name: string }[] = [
    { kind: "ISO", bytes: Buffer.concat([ISO_BYTES, Buffer.from(label)]), name: `${label}.iso` },
  ];
  if (withLog) files.push({ kind: "LOG", bytes: Buffer.from(`log of ${label}\n`), name: `${label}.log` });
  const artifacts: Record<string, string> = {};
  for (const file of files) {
    const sha256 = createHash("sha256").update(file.bytes).digest("hex");
    const storageKey = `sharing-test/${build.id}/${file.name}`;
    await getArtifactStorage().put(storageKey, Readable.from([file.bytes]), { sizeBytes: file.bytes.length, sha256 });
    storageKeys.push(storageKey);
    const row = await db.artifact.create({
      data: { buildId: build.id, kind: file.kind, fileName: file.name, sizeBytes: BigInt(file.bytes.length), sha256, storageKey },
    });
    artifacts[file.kind] = row.id;
  }
  return { id: build.id, iso: artifacts.ISO!, log: artifacts.LOG ?? "" };
}

before(async () => {
  assert.ok(
    (await listChannels()).some((c) => c.name === "mini"),
    "seed the channels first (npx tsx prisma/seed.ts)",
  );
  a = await makePerson("alice");
  b = await makePerson("bob");
  const machine = await createMachine({ actor: a.actor, input: { name: "laptop", arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: a.actor, machineId: machine.id, name: "desktop", channel: "mini" });
  const { latest } = await getProfileOrThrow({ actor: a.actor, profileId: profile.id });
  const one = await finishedBuild(latest.id, latest.configHash, "one", true);
  const two = await finishedBuild(latest.id, latest.configHash, "two", false);
  const queued = await getDb().build.create({
    data: { revisionId: latest.id, requestedById: a.actor.id, arch: "x86_64", channel: "mini", channelRevision: "test", configHash: "queued" },
  });
  Object.assign(ids, {
    profile: profile.id,
    revision: latest.id,
    buildOne: one.id,
    isoOne: one.iso,
    logOne: one.log,
    buildTwo: two.id,
    isoTwo: two.iso,
    queued: queued.id,
  });
});

after(async () => {
  await deletePeople([a, b]);
  for (const key of storageKeys) await getArtifactStorage().delete(key);
  await getDb().$disconnect();
});

test("a profile: B gets 404 by id, reads it through A's link, and the link dies when A stops sharing", async () => {
  await assert.rejects(getProfileOrThrow({ actor: b.actor, profileId: ids.profile }), notFound);
  await assert.rejects(shareProfile({ actor: b.actor, profileId: ids.profile }), notFound, "B cannot share A's profile");
  await assert.rejects(unshareProfile({ actor: b.actor, profileId: ids.profile }), notFound);
  await assert.rejects(getSharedProfile({ token: "A".repeat(24) }), notFound, "a made-up token");

  const shared = await shareProfile({ actor: a.actor, profileId: ids.profile });
  assert.match(shared.token, /^[A-Za-z0-9_-]{24}$/);
  assert.equal((await shareProfile({ actor: a.actor, profileId: ids.profile })).token, shared.token, "sharing again keeps the link");

  const seen = await getSharedProfile({ token: shared.token });
  assert.equal(seen.name, "desktop");
  assert.equal(seen.machine.name, "laptop");
  assert.equal(seen.revision.number, 1);
  assert.match(seen.profileText, /^channel = mini$/m);
  assert.doesNotMatch(JSON.stringify(seen), new RegExp(`${a.actor.email}|${a.actor.id}|${ids.profile}`), "the link reveals no owner and no ids");

  // The link is read access to the text, not to the profile: B still cannot reach it by id or build it.
  await assert.rejects(getProfileOrThrow({ actor: b.actor, profileId: ids.profile }), notFound);
  await assert.rejects(createBuild({ actor: b.actor, revisionId: ids.revision }), notFound);

  await unshareProfile({ actor: a.actor, profileId: ids.profile });
  await assert.rejects(getSharedProfile({ token: shared.token }), notFound, "revoked: 404 at once");
  const again = await shareProfile({ actor: a.actor, profileId: ids.profile });
  assert.notEqual(again.token, shared.token, "sharing again after stopping makes a new link");
  await assert.rejects(getSharedProfile({ token: shared.token }), notFound, "the old link stays dead");
  await unshareProfile({ actor: a.actor, profileId: ids.profile });
});

test("a build: its link shows and serves this build's ISO and log only, with Range, until A stops sharing", async () => {
  await assert.rejects(getBuildOrThrow({ actor: b.actor, buildId: ids.buildOne }), notFound);
  await assert.rejects(getArtifactOrThrow({ actor: b.actor, artifactId: ids.isoOne }), notFound);
  await assert.rejects(shareBuild({ actor: b.actor, buildId: ids.buildOne }), notFound, "B cannot share A's build");
  await assert.rejects(unshareBuild({ actor: b.actor, buildId: ids.buildOne }), notFound);
  await assert.rejects(shareBuild({ actor: a.actor, buildId: ids.queued }), (e) => isAppError(e) && e.code === "CONFLICT", "no ISO, nothing to share");

  const { token } = await shareBuild({ actor: a.actor, buildId: ids.buildOne });
  const seen = await getSharedBuild({ token });
  assert.equal(seen.iso.id, ids.isoOne);
  assert.equal(seen.iso.fileName, "one.iso");
  assert.equal(seen.iso.sizeBytes, ISO_BYTES.length + 3);
  assert.equal(seen.log?.id, ids.logOne);
  assert.deepEqual(
    seen.bootTests.map((t) => t.passed),
    [true],
  );
  assert.match(seen.profileText, /^channel = mini$/m);
  const wire = JSON.stringify({ ...seen, storage: undefined });
  assert.doesNotMatch(wire, new RegExp(`${ids.isoTwo}|${ids.buildTwo}|${a.actor.email}`), "one build's link reveals no other build");
  assert.equal((await getSharedArtifactOrThrow({ token, kind: "ISO" })).id, ids.isoOne);

  // B still cannot reach the build or its files by id.
  await assert.rejects(getBuildOrThrow({ actor: b.actor, buildId: ids.buildOne }), notFound);
  await assert.rejects(getArtifactOrThrow({ actor: b.actor, artifactId: ids.isoOne }), notFound);

  const params = { token };
  const whole = await callRoute(sharedDownloadRoute.GET as never, { params });
  assert.equal(whole.status, 200);
  assert.equal(whole.text, `${ISO_BYTES}one`);
  assert.match(whole.response.headers.get("content-disposition") ?? "", /^attachment; filename="one\.iso"$/);
  assert.equal(whole.response.headers.get("x-content-sha256"), createHash("sha256").update(`${ISO_BYTES}one`).digest("hex"));
  const part = await callRoute(sharedDownloadRoute.GET as never, { params, headers: { range: "bytes=4-7" } });
  assert.equal(part.status, 206);
  assert.equal(part.text, "4567");
  assert.equal(part.response.headers.get("content-range"), `bytes 4-7/${ISO_BYTES.length + 3}`);
  const beyond = await callRoute(sharedDownloadRoute.GET as never, { params, headers: { range: "bytes=999-" } });
  assert.equal(beyond.status, 416);
  const log = await callRoute(sharedLogRoute.GET as never, { params });
  assert.equal(log.status, 200);
  assert.equal(log.text, "log of one\n");

  // Sharing the build shares nothing else: not its profile, not the other build.
  await assert.rejects(getProfileOrThrow({ actor: b.actor, profileId: ids.profile }), notFound);
  const { token: tokenTwo } = await shareBuild({ actor: a.actor, buildId: ids.buildTwo });
  assert.notEqual(tokenTwo, token);
  assert.equal((await getSharedBuild({ token: tokenTwo })).iso.id, ids.isoTwo);
  assert.equal(
    (await callRoute(sharedLogRoute.GET as never, { params: { token: tokenTwo } })).status,
    404,
    "build two has no log, and does not fall back to one's",
  );

  await unshareBuild({ actor: a.actor, buildId: ids.buildOne });
  await assert.rejects(getSharedBuild({ token }), notFound, "revoked: 404 at once");
  const gone = await callRoute(sharedDownloadRoute.GET as never, { params });
  assert.equal(gone.status, 404);
  assert.equal(gone.json?.error?.code, "NOT_FOUND");
  assert.equal((await getSharedBuild({ token: tokenTwo })).iso.id, ids.isoTwo, "stopping one share leaves the other");
});

test("one revision, one profile text: the API, both share pages and the downloads page give the same bytes", async () => {
  const api = await callRoute(profileTextRoute.GET as never, { token: a.token, params: { id: ids.profile } });
  assert.equal(api.status, 200);
  assert.match(api.text, /^# ZXCV profile: laptop \/ desktop \(revision 1\)\nchannel = mini\n/);
  const { token: profileToken } = await shareProfile({ actor: a.actor, profileId: ids.profile });
  const { token: buildToken } = await shareBuild({ actor: a.actor, buildId: ids.buildOne });
  try {
    assert.equal((await getSharedProfile({ token: profileToken })).profileText, api.text, "the shared profile page");
    assert.equal((await getSharedBuild({ token: buildToken })).profileText, api.text, "the shared ISO page");
    const download = (await listDownloads({ actor: a.actor })).items.find((d) => d.buildId === ids.buildOne);
    assert.equal(download?.profileText, api.text, "the downloads page");
  } finally {
    await unshareProfile({ actor: a.actor, profileId: ids.profile });
    await unshareBuild({ actor: a.actor, buildId: ids.buildOne });
  }
});

test("REST: only the owner shares and stops sharing; the answer is the link", async () => {
  const asB = await callRoute(profileShareRoute.POST, { method: "POST", params: { id: ids.profile }, token: b.token });
  assert.equal(asB.status, 404);
  const asBBuild = await callRoute(buildShareRoute.POST, { method: "POST", params: { id: ids.buildOne }, token: b.token });
  assert.equal(asBBuild.status, 404);

  const profile = await callRoute(profileShareRoute.POST, { method: "POST", params: { id: ids.profile }, token: a.token });
  assert.equal(profile.status, 200);
  const profileToken = /\/share\/p\/([\w-]{24})$/.exec(profile.json.url)?.[1];
  assert.ok(profileToken, profile.json.url);
  assert.equal((await getSharedProfile({ token: profileToken })).name, "desktop");
  assert.equal((await callRoute(profileShareRoute.DELETE, { method: "DELETE", params: { id: ids.profile }, token: b.token })).status, 404);
  assert.equal((await callRoute(profileShareRoute.DELETE, { method: "DELETE", params: { id: ids.profile }, token: a.token })).status, 204);
  await assert.rejects(getSharedProfile({ token: profileToken }), notFound);

  const build = await callRoute(buildShareRoute.POST, { method: "POST", params: { id: ids.buildOne }, token: a.token });
  assert.equal(build.status, 200);
  const buildToken = /\/share\/iso\/([\w-]{24})$/.exec(build.json.url)?.[1];
  assert.ok(buildToken, build.json.url);
  assert.equal((await callRoute(sharedDownloadRoute.GET as never, { params: { token: buildToken } })).status, 200);
  assert.equal((await callRoute(buildShareRoute.DELETE, { method: "DELETE", params: { id: ids.buildOne }, token: a.token })).status, 204);
  assert.equal((await callRoute(sharedDownloadRoute.GET as never, { params: { token: buildToken } })).status, 404);
});

test("B imports a shared profile: a copy in B's machine that B owns, and nothing once A stops sharing", async () => {
  const { token } = await shareProfile({ actor: a.actor, profileId: ids.profile });
  const mine = await createMachine({ actor: b.actor, input: { name: "bob-box", arch: "x86_64", notes: "" } });
  const copy = await importSharedProfile({ actor: b.actor, token, machineId: mine.id, name: "from alice" });
  const seen = await getProfileOrThrow({ actor: b.actor, profileId: copy.id });
  const original = await getProfileOrThrow({ actor: a.actor, profileId: ids.profile });
  assert.deepEqual(seen.latest.selection, original.latest.selection);
  assert.equal(seen.shareToken, null, "the copy is not shared");
  assert.match(seen.latest.message, /shared link to laptop \/ desktop revision 1/);
  await assert.rejects(getProfileOrThrow({ actor: a.actor, profileId: copy.id }), notFound, "the copy is B's alone");
  await assert.rejects(importSharedProfile({ actor: b.actor, token, machineId: ids.profile, name: "x" }), notFound, "only into B's own machines");

  await unshareProfile({ actor: a.actor, profileId: ids.profile });
  await assert.rejects(importSharedProfile({ actor: b.actor, token, machineId: mine.id, name: "again" }), notFound);
});
