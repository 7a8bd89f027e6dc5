// Data-access layer against the real dev database: ownership and concurrent saves.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test test/integration/profiles.test.ts
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { defaultSelection } from "@/contracts/selection";
import type { Actor } from "@/lib/auth/actor";
import { listChannels } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { createMachine, deleteMachine, getMachineDeletionImpact, getMachineOrThrow, listMachines, updateMachine } from "@/lib/machines";
import { cloneProfile, createProfile, getProfileOrThrow, listProfiles } from "@/lib/profiles";
import { importProfile } from "@/lib/profiles/import";
import { findLastBuiltRevision, listRevisions, restoreRevision, saveRevision } from "@/lib/profiles/revisions";

// ISO files of this test live in a directory of their own (read by getEnv on first use, below).
const artifactDir = mkdtempSync(path.join(tmpdir(), "zxcv-profiles-test-"));
process.env.ARTIFACT_DIR = artifactDir;

let channel: string;
const madeUsers: string[] = [];

async function makeUser(label: string): Promise<Actor> {
  const email = `${label}-${randomUUID()}@example.test`;
  const user = await getDb().user.create({ data: { email, name: label, passwordHash: "x" } });
  madeUsers.push(user.id);
  return { id: user.id, role: "MEMBER", email, name: label };
}

/** Each test has people of its own, so no test depends on what another left behind (or on their order). */
async function twoPeople(): Promise<{ alice: Actor; bob: Actor }> {
  return { alice: await makeUser("alice"), bob: await makeUser("bob") };
}

function rejectsWith(code: string) {
  return (error: unknown) => isAppError(error) && error.code === code;
}

function textFile(text: string) {
  return { size: new TextEncoder().encode(text).length, text: async () => text };
}

before(async () => {
  const channels = await listChannels();
  assert.ok(channels.length > 0, "seed the channels first: npx tsx prisma/seed.ts");
  channel = channels[0]!.name;
});

after(async () => {
  await getDb().user.deleteMany({ where: { id: { in: madeUsers } } });
  await getDb().$disconnect();
  rmSync(artifactDir, { recursive: true, force: true });
});

test("another person's machine and profile are NOT_FOUND for reading and writing", async () => {
  const { alice, bob } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: "laptop", arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: alice, machineId: machine.id, name: "desktop", channel });

  assert.deepEqual(
    (await listMachines({ actor: bob })).map((m) => m.id),
    [],
  );
  await assert.rejects(getMachineOrThrow({ actor: bob, machineId: machine.id }), rejectsWith("NOT_FOUND"));
  await assert.rejects(updateMachine({ actor: bob, machineId: machine.id, input: { name: "mine", arch: "x86_64", notes: "" } }), rejectsWith("NOT_FOUND"));
  await assert.rejects(deleteMachine({ actor: bob, machineId: machine.id }), rejectsWith("NOT_FOUND"));
  await assert.rejects(listProfiles({ actor: bob, machineId: machine.id }), rejectsWith("NOT_FOUND"));
  await assert.rejects(getProfileOrThrow({ actor: bob, profileId: profile.id }), rejectsWith("NOT_FOUND"));
  await assert.rejects(listRevisions({ actor: bob, profileId: profile.id }), rejectsWith("NOT_FOUND"));
  const latest = await getProfileOrThrow({ actor: alice, profileId: profile.id });
  await assert.rejects(saveRevision({ actor: bob, profileId: profile.id, baseNumber: 1, selection: latest.latest.selection }), rejectsWith("NOT_FOUND"));
  await assert.rejects(createProfile({ actor: bob, machineId: machine.id, name: "intruder", channel }), rejectsWith("NOT_FOUND"));
  const bobsMachine = await createMachine({ actor: bob, input: { name: "laptop", arch: "x86_64", notes: "" } });
  await assert.rejects(cloneProfile({ actor: bob, profileId: profile.id, targetMachineId: bobsMachine.id, name: "copy" }), rejectsWith("NOT_FOUND"));
  await assert.rejects(cloneProfile({ actor: alice, profileId: profile.id, targetMachineId: bobsMachine.id, name: "copy" }), rejectsWith("NOT_FOUND"));
  assert.equal((await listRevisions({ actor: alice, profileId: profile.id })).length, 1);
});

test("a save based on a stale revision is refused and writes nothing; racing saves let exactly one through", async () => {
  const { alice } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: `race ${randomUUID()}`, arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: alice, machineId: machine.id, name: "p", channel });
  const { latest } = await getProfileOrThrow({ actor: alice, profileId: profile.id });

  await saveRevision({ actor: alice, profileId: profile.id, baseNumber: 1, selection: latest.selection, message: "tab one" });
  await assert.rejects(
    saveRevision({ actor: alice, profileId: profile.id, baseNumber: 1, selection: latest.selection, message: "tab two" }),
    (error: unknown) => rejectsWith("CONFLICT")(error) && /saved elsewhere as revision 2/.test((error as Error).message),
  );
  const results = await Promise.allSettled(
    [1, 2, 3].map(() => saveRevision({ actor: alice, profileId: profile.id, baseNumber: 2, selection: latest.selection })),
  );
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  assert.ok(results.filter((r) => r.status === "rejected").every((r) => rejectsWith("CONFLICT")((r as PromiseRejectedResult).reason)));
  assert.deepEqual(
    (await listRevisions({ actor: alice, profileId: profile.id })).map((r) => r.number),
    [3, 2, 1],
  );

  const restored = await restoreRevision({ actor: alice, profileId: profile.id, number: 1, baseNumber: 3 });
  assert.equal(restored.number, 4);
  assert.equal(restored.configHash, latest.configHash);
});

test("imports refuse unknown packages and oversized files, naming the line, writing nothing", async () => {
  const { alice } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: `import ${randomUUID()}`, arch: "x86_64", notes: "" } });
  const catalog = (await listChannels())[0]!.catalog;
  const roleLines = Object.entries(defaultSelection(catalog).roles).map(([r, a]) => `${r} = ${a}`);
  const text = [`channel = ${channel}`, ...roleLines, "package = no-such-package"].join("\n");
  await assert.rejects(
    importProfile({ actor: alice, machineId: machine.id, name: "bad", file: textFile(text) }),
    (error: unknown) =>
      rejectsWith("BAD_REQUEST")(error) &&
      (error as Error).message.includes(`line ${roleLines.length + 2}`) &&
      (error as Error).message.includes("no-such-package"),
  );
  const huge = { size: 5 * 1024 * 1024, text: async () => assert.fail("a 5 MB file must not be read") };
  await assert.rejects(importProfile({ actor: alice, machineId: machine.id, name: "huge", file: huge }), rejectsWith("TOO_LARGE"));
  assert.equal((await listProfiles({ actor: alice, machineId: machine.id })).length, 0);

  const impact = await getMachineDeletionImpact({ actor: alice, machineId: machine.id });
  assert.deepEqual(impact, { profiles: 0, revisions: 0, builds: 0, isos: 0 });
});

test("names are trimmed free text; HTML and Nix syntax are stored as typed", async () => {
  const { alice } = await twoPeople();
  const name = '  <img src=x onerror=alert(1)> ${builtins.abort "x"}  ';
  const machine = await createMachine({ actor: alice, input: { name, arch: "x86_64", notes: "" } });
  assert.equal(machine.name, name.trim());
  await assert.rejects(createMachine({ actor: alice, input: { name, arch: "x86_64", notes: "" } }), rejectsWith("CONFLICT"));
});

async function succeededBuild(actor: Actor, revisionId: string, configHash: string, options: { reusedFromId?: string; withIso?: boolean } = {}) {
  const build = await getDb().build.create({
    data: {
      revisionId,
      requestedById: actor.id,
      status: "SUCCEEDED",
      arch: "x86_64",
      channel,
      channelRevision: "test",
      configHash,
      reusedFromId: options.reusedFromId,
      finishedAt: new Date(),
    },
  });
  if (options.withIso) {
    const storageKey = `builds/${build.id}/1/image.iso`;
    mkdirSync(path.join(artifactDir, "builds", build.id, "1"), { recursive: true });
    writeFileSync(path.join(artifactDir, storageKey), "iso");
    await getDb().artifact.create({ data: { buildId: build.id, kind: "ISO", fileName: "x.iso", sizeBytes: 3, sha256: "0".repeat(64), storageKey } });
  }
  return build;
}

test("the last successful build is what 'since the last build' compares with", async () => {
  const { alice, bob } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: `built ${randomUUID()}`, arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: alice, machineId: machine.id, name: "p", channel });
  assert.equal(await findLastBuiltRevision({ actor: alice, profileId: profile.id }), null);
  const { latest } = await getProfileOrThrow({ actor: alice, profileId: profile.id });
  await succeededBuild(alice, latest.id, latest.configHash);
  await saveRevision({ actor: alice, profileId: profile.id, baseNumber: 1, selection: latest.selection });
  assert.equal((await findLastBuiltRevision({ actor: alice, profileId: profile.id }))?.number, 1);
  await assert.rejects(findLastBuiltRevision({ actor: bob, profileId: profile.id }), rejectsWith("NOT_FOUND"));
});

test("deleting a machine deletes its ISOs, but an ISO someone else's build reuses moves to that build", async () => {
  const { alice, bob } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: `doomed ${randomUUID()}`, arch: "x86_64", notes: "" } });
  const profile = await createProfile({ actor: alice, machineId: machine.id, name: "p", channel });
  const { latest } = await getProfileOrThrow({ actor: alice, profileId: profile.id });
  const shared = await succeededBuild(alice, latest.id, latest.configHash, { withIso: true });
  const own = await succeededBuild(alice, latest.id, latest.configHash, { withIso: true });

  const bobsMachine = await createMachine({ actor: bob, input: { name: `reuser ${randomUUID()}`, arch: "x86_64", notes: "" } });
  const bobsProfile = await createProfile({ actor: bob, machineId: bobsMachine.id, name: "same", channel, selection: latest.selection });
  const bobsLatest = (await getProfileOrThrow({ actor: bob, profileId: bobsProfile.id })).latest;
  const reuser = await succeededBuild(bob, bobsLatest.id, bobsLatest.configHash, { reusedFromId: shared.id });

  assert.deepEqual(await getMachineDeletionImpact({ actor: alice, machineId: machine.id }), { profiles: 1, revisions: 1, builds: 2, isos: 2 });
  await deleteMachine({ actor: alice, machineId: machine.id });

  const inherited = await getDb().build.findUniqueOrThrow({ where: { id: reuser.id }, include: { artifacts: true } });
  assert.equal(inherited.reusedFromId, null);
  assert.equal(inherited.artifacts.length, 1);
  assert.ok(existsSync(path.join(artifactDir, inherited.artifacts[0]!.storageKey)), "the reused ISO file is kept");
  assert.ok(!existsSync(path.join(artifactDir, `builds/${own.id}/1/image.iso`)), "the machine's own ISO file is deleted");
  assert.equal(await getDb().build.count({ where: { id: { in: [shared.id, own.id] } } }), 0);
});

test("an imported file naming an unknown channel points at its channel line", async () => {
  const { alice } = await twoPeople();
  const machine = await createMachine({ actor: alice, input: { name: `channel ${randomUUID()}`, arch: "x86_64", notes: "" } });
  await assert.rejects(
    importProfile({ actor: alice, machineId: machine.id, name: "x", file: textFile("# a comment\nchannel = no-such-channel\n") }),
    (error: unknown) => rejectsWith("BAD_REQUEST")(error) && (error as Error).message.startsWith("line 2: unknown channel"),
  );
});
