// Two people: B gets 404 for each of A's objects through the data layer and the REST route handlers, and a
// revoked token stops working at once. The same through a running server (pages, SSE, downloads): test/stack/cli.test.ts.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/authz.test.ts
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as buildRoutes from "@/app/api/v1/builds/route";
import * as buildRoute from "@/app/api/v1/builds/[id]/route";
import * as cancelRoute from "@/app/api/v1/builds/[id]/cancel/route";
import * as retryRoute from "@/app/api/v1/builds/[id]/retry/route";
import * as logRoute from "@/app/api/v1/builds/[id]/log/route";
import * as eventsRoute from "@/app/api/v1/builds/[id]/events/route";
import * as isosRoute from "@/app/api/v1/isos/route";
import * as downloadRoute from "@/app/api/v1/isos/[id]/download/route";
import * as machinesRoute from "@/app/api/v1/machines/route";
import * as machineRoute from "@/app/api/v1/machines/[id]/route";
import * as meRoute from "@/app/api/v1/me/route";
import * as profilesRoute from "@/app/api/v1/profiles/route";
import * as profileRoute from "@/app/api/v1/profiles/[id]/route";
import * as textRoute from "@/app/api/v1/profiles/[id]/text/route";
import * as revisionsRoute from "@/app/api/v1/profiles/[id]/revisions/route";
import * as revisionRoute from "@/app/api/v1/profiles/[id]/revisions/[number]/route";
import * as tokensRoute from "@/app/api/v1/tokens/route";
import * as tokenRoute from "@/app/api/v1/tokens/[id]/route";
import { createApiToken, findApiTokenActor, revokeApiToken } from "@/lib/api-tokens";
import { getArtifactOrThrow } from "@/lib/artifacts/downloads";
import { cancelBuild, createBuild, getBuildOrThrow, listBuilds, retryBuild } from "@/lib/builds";
import { listChannels } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { createMachine, getMachineOrThrow, listMachines } from "@/lib/machines";
import { createProfile, getProfileOrThrow } from "@/lib/profiles";
import { getRevisionOrThrow, listRevisions } from "@/lib/profiles/revisions";
import { closeQueues, removeBuildJob } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { callRoute, deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";

let a: TestPerson;
let b: TestPerson;
const ids = { machine: "", profile: "", revision: "", build: "", iso: "", token: "" };

before(async () => {
  const channels = await listChannels();
  assert.ok(
    channels.some((c) => c.name === "mini"),
    "seed the channels first (npm start or npx tsx prisma/seed.ts)",
  );
  a = await makePerson("alice");
  b = await makePerson("bob");
  const machine = await createMachine({ actor: a.actor, input: { name: "laptop", arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: a.actor, machineId: machine.id, name: "desktop", channel: "mini" });
  const { latest } = await getProfileOrThrow({ actor: a.actor, profileId: profile.id });
  const build = await createBuild({ actor: a.actor, revisionId: latest.id });
  // An ISO as a build host would leave it (the bytes are never reached: authorization comes first).
  const iso = await getDb().artifact.create({
    data: { buildId: build.id, kind: "ISO", fileName: "a.iso", sizeBytes: 3n, sha256: "0".repeat(64), storageKey: `authz-test/${build.id}.iso` },
  });
  Object.assign(ids, { machine: machine.id, profile: profile.id, revision: latest.id, build: build.id, iso: iso.id });
  ids.token = (await getDb().apiToken.findFirstOrThrow({ where: { userId: a.actor.id } })).id;
});

after(async () => {
  // Leave no job behind for the build hosts of the suites that run next.
  if (ids.build) await removeBuildJob({ arch: "x86_64", buildId: ids.build });
  await deletePeople([a, b]);
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

const notFound = (error: unknown) => isAppError(error) && error.code === "NOT_FOUND";

test("the data layer answers NOT_FOUND to B for each of A's objects", async () => {
  await assert.rejects(getMachineOrThrow({ actor: b.actor, machineId: ids.machine }), notFound);
  await assert.rejects(getProfileOrThrow({ actor: b.actor, profileId: ids.profile }), notFound);
  await assert.rejects(listRevisions({ actor: b.actor, profileId: ids.profile }), notFound);
  await assert.rejects(getRevisionOrThrow({ actor: b.actor, profileId: ids.profile, number: 1 }), notFound);
  await assert.rejects(createBuild({ actor: b.actor, revisionId: ids.revision }), notFound);
  await assert.rejects(getBuildOrThrow({ actor: b.actor, buildId: ids.build }), notFound);
  await assert.rejects(cancelBuild({ actor: b.actor, buildId: ids.build }), notFound);
  await assert.rejects(retryBuild({ actor: b.actor, buildId: ids.build }), notFound);
  await assert.rejects(getArtifactOrThrow({ actor: b.actor, artifactId: ids.iso }), notFound);
  await assert.rejects(revokeApiToken({ actor: b.actor, id: ids.token }), notFound);
  assert.deepEqual(await listMachines({ actor: b.actor }), []);
  assert.deepEqual((await listBuilds({ actor: b.actor })).items, []);
});

type Route = Parameters<typeof callRoute>[0];
const json = (value: unknown) => JSON.stringify(value);

test("every REST route answers 404 to B for A's objects, with the same body as for a missing one", async () => {
  const cases: [string, Route, Parameters<typeof callRoute>[1]][] = [
    ["GET machine", machineRoute.GET, { params: { id: ids.machine } }],
    ["PATCH machine", machineRoute.PATCH, { method: "PATCH", params: { id: ids.machine }, body: json({ name: "mine" }) }],
    ["DELETE machine", machineRoute.DELETE, { method: "DELETE", params: { id: ids.machine } }],
    ["GET profiles of machine", profilesRoute.GET, { path: `/api/v1/profiles?machineId=${ids.machine}` }],
    ["POST profile on A's machine", profilesRoute.POST, { method: "POST", body: json({ machineId: ids.machine, name: "intruder" }) }],
    ["GET profile", profileRoute.GET, { params: { id: ids.profile } }],
    ["PATCH profile", profileRoute.PATCH, { method: "PATCH", params: { id: ids.profile }, body: json({ name: "mine" }) }],
    ["DELETE profile", profileRoute.DELETE, { method: "DELETE", params: { id: ids.profile } }],
    ["GET profile text", textRoute.GET, { params: { id: ids.profile } }],
    ["PUT profile text", textRoute.PUT, { method: "PUT", params: { id: ids.profile }, body: "channel = mini\n", headers: { "content-type": "text/plain" } }],
    ["GET revisions", revisionsRoute.GET, { params: { id: ids.profile } }],
    [
      "POST revision",
      revisionsRoute.POST,
      { method: "POST", params: { id: ids.profile }, body: json({ baseNumber: 1, selection: { channel: "mini", roles: {}, packages: [] } }) },
    ],
    ["GET revision", revisionRoute.GET, { params: { id: ids.profile, number: "1" } }],
    ["POST build of A's revision", buildRoutes.POST, { method: "POST", body: json({ revisionId: ids.revision }) }],
    ["POST build of A's profile", buildRoutes.POST, { method: "POST", body: json({ profileId: ids.profile }) }],
    ["GET build", buildRoute.GET, { params: { id: ids.build } }],
    ["POST cancel", cancelRoute.POST, { method: "POST", params: { id: ids.build } }],
    ["POST retry", retryRoute.POST, { method: "POST", params: { id: ids.build } }],
    ["GET log", logRoute.GET, { params: { id: ids.build } }],
    ["GET events", eventsRoute.GET, { params: { id: ids.build } }],
    ["GET ISO download", downloadRoute.GET, { params: { id: ids.iso } }],
    ["DELETE A's token", tokenRoute.DELETE, { method: "DELETE", params: { id: ids.token } }],
  ];
  for (const [name, handler, options] of cases) {
    const asB = await callRoute(handler, { ...options, token: b.token });
    assert.equal(asB.status, 404, `${name}: expected 404, got ${asB.status} ${asB.text.slice(0, 200)}`);
    assert.equal(asB.json?.error?.code, "NOT_FOUND", name);
    assert.doesNotMatch(asB.text, /alice|laptop|desktop/, `${name}: the answer must not reveal A's data`);
  }
  const missing = await callRoute(machineRoute.GET, { params: { id: "no-such-id" }, token: b.token });
  const foreign = await callRoute(machineRoute.GET, { params: { id: ids.machine }, token: b.token });
  assert.deepEqual(foreign.json, missing.json, "someone else's machine looks exactly like a missing one");

  for (const [name, handler, key] of [
    ["machines", machinesRoute.GET, "machines"],
    ["builds", buildRoutes.GET, "builds"],
    ["isos", isosRoute.GET, "isos"],
  ] as const) {
    const list = await callRoute(handler, { token: b.token });
    assert.equal(list.status, 200, name);
    assert.deepEqual(list.json[key], [], `B's ${name} list is empty`);
  }
  // Nothing of A's changed.
  const machine = await getMachineOrThrow({ actor: a.actor, machineId: ids.machine });
  assert.equal(machine.name, "laptop");
  const profile = await getProfileOrThrow({ actor: a.actor, profileId: ids.profile });
  assert.equal(profile.name, "desktop");
  assert.equal(profile.latest.number, 1);
  assert.equal((await getBuildOrThrow({ actor: a.actor, buildId: ids.build })).status, "QUEUED");
  assert.equal((await getDb().apiToken.findUniqueOrThrow({ where: { id: ids.token } })).revokedAt, null);
});

test("A reaches the same objects through the same routes", async () => {
  assert.equal((await callRoute(machineRoute.GET, { params: { id: ids.machine }, token: a.token })).status, 200);
  assert.equal((await callRoute(profileRoute.GET, { params: { id: ids.profile }, token: a.token })).status, 200);
  assert.equal((await callRoute(buildRoute.GET, { params: { id: ids.build }, token: a.token })).status, 200);
  const text = await callRoute(textRoute.GET, { params: { id: ids.profile }, token: a.token });
  assert.equal(text.status, 200);
  assert.match(text.text, /^channel = mini$/m);
});

test("a revoked token stops working at once; its last use is recorded", async () => {
  const { token, apiToken } = await createApiToken({ actor: a.actor, name: "to revoke" });
  assert.equal(apiToken.lastUsedAt, null);
  const before = await callRoute(meRoute.GET, { token });
  assert.equal(before.status, 200);
  assert.equal(before.json.id, a.actor.id);
  const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
  assert.ok(row.lastUsedAt, "lastUsedAt is set on use");
  assert.notEqual(row.tokenHash, token, "only a hash is stored");

  const listed = await callRoute(tokensRoute.GET, { token: a.token });
  assert.ok(listed.json.tokens.some((t: { id: string }) => t.id === apiToken.id));
  assert.doesNotMatch(listed.text, new RegExp(token.slice(12)), "the list never shows a secret");

  const revoked = await callRoute(tokenRoute.DELETE, { method: "DELETE", params: { id: apiToken.id }, token: a.token });
  assert.equal(revoked.status, 200);
  assert.ok(revoked.json.revokedAt);
  const afterRevoke = await callRoute(meRoute.GET, { token });
  assert.equal(afterRevoke.status, 401);
  assert.equal(afterRevoke.json.error.code, "UNAUTHORIZED");
  assert.equal(await findApiTokenActor(token), null);
  // The other token of the same person still works.
  assert.equal((await callRoute(meRoute.GET, { token: a.token })).status, 200);
});

test("a disabled person's token stops working too", async () => {
  const c = await makePerson("carol");
  try {
    assert.equal((await callRoute(meRoute.GET, { token: c.token })).status, 200);
    await getDb().user.update({ where: { id: c.actor.id }, data: { disabledAt: new Date() } });
    assert.equal((await callRoute(meRoute.GET, { token: c.token })).status, 401);
  } finally {
    await deletePeople([c]);
  }
});
