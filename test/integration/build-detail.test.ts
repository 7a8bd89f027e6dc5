// A build as its page and REST read it (getBuildOrThrow, plain SQL on the pool for speed) is exactly what Prisma's include of the
// same relations gives: a field left out of the SQL would go missing from the build page and the API without a
// type error. Against the real dev database, with a build that has everything: host, attempts on two hosts (one
// deleted), a refusal, ISO and log, and a build that reuses it.
// Run: DATABASE_URL=... node --import tsx --test test/integration/build-detail.test.ts
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { buildInclude, getBuildOrThrow } from "@/lib/builds/queries";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { makeActor, makeRevisions } from "./builds/fixtures";

// Off UTC: the schema's timestamps are UTC instants whatever the zone of the machine reading them (lib/db.ts).
process.env.TZ = "Europe/Berlin";

const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

test("a build read in SQL equals Prisma's include of it, for a build with everything and for one that reuses it; someone else's is NOT_FOUND", async () => {
  const db = getDb();
  const [owner, other] = [await makeActor("detail-owner"), await makeActor("detail-other")];
  cleanup.push(() => db.user.deleteMany({ where: { id: { in: [owner.id, other.id] } } }));
  const [revisionId] = await makeRevisions(owner);
  const hosts = await Promise.all(
    ["a", "b"].map((n) =>
      db.buildHost.create({
        data: { name: `detail-${n}-${randomUUID().slice(0, 8)}`, arch: "x86_64", tokenHash: randomUUID().replaceAll("-", "").padEnd(64, "0") },
      }),
    ),
  );
  cleanup.push(() => db.buildHost.deleteMany({ where: { id: { in: hosts.map((h) => h.id) } } }));
  const base = { revisionId: revisionId!, requestedById: owner.id, arch: "x86_64", channel: "mini", channelRevision: "r1", configHash: "h" };
  const source = await db.build.create({
    data: {
      ...base,
      status: "SUCCEEDED",
      attempt: 2,
      hostId: hosts[0]!.id,
      phase: "done",
      progress: 1,
      result: { version: 1, bootTests: [{ firmware: "bios", passed: true, seconds: 3 }] },
      startedAt: new Date(Date.now() - 60_000),
      finishedAt: new Date(),
      artifacts: {
        create: [
          { kind: "ISO", fileName: "a.iso", sizeBytes: 25_000_000_000n, sha256: "0".repeat(64), storageKey: `k/${randomUUID()}` },
          { kind: "LOG", fileName: "a.log", sizeBytes: 10n, sha256: "1".repeat(64), storageKey: `k/${randomUUID()}` },
        ],
      },
      attempts: {
        create: [
          { number: 1, hostId: hosts[1]!.id, status: "LOST", failureReason: "host went away", startedAt: new Date() },
          {
            number: 2,
            hostId: hosts[0]!.id,
            status: "SUCCEEDED",
            tokenHash: randomUUID(),
            result: { secret: true },
            startedAt: new Date(),
            finishedAt: new Date(),
          },
        ],
      },
      refusals: { create: [{ attempt: 1, hostName: "detail-c", reason: "refused: wrong arch" }] },
    },
  });
  const reuser = await db.build.create({ data: { ...base, status: "SUCCEEDED", reusedFromId: source.id, finishedAt: new Date() } });
  // An attempt's host deleted later: the attempt stays, without a host.
  await db.buildHost.delete({ where: { id: hosts[1]!.id } });

  for (const id of [source.id, reuser.id]) {
    const expected = await db.build.findFirst({ where: { id }, include: buildInclude });
    const actual = await getBuildOrThrow({ actor: owner, buildId: id });
    // Prisma gives relations in no set order; the SQL reads artifacts and refusals oldest first.
    const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));
    const normalize = (b: typeof actual) => ({
      ...b,
      artifacts: byId(b.artifacts),
      refusals: byId(b.refusals),
      reusedFrom: b.reusedFrom && { ...b.reusedFrom, artifacts: byId(b.reusedFrom.artifacts) },
    });
    assert.deepEqual(normalize(actual), normalize(expected!));
  }
  const detail = await getBuildOrThrow({ actor: owner, buildId: reuser.id });
  assert.equal(detail.reusedFrom?.host?.name, hosts[0]!.name, "a reused build shows the host that built its ISO");
  assert.deepEqual(
    (await getBuildOrThrow({ actor: owner, buildId: source.id })).attempts.map((a) => [a.number, a.host?.name ?? null, "tokenHash" in a, "result" in a]),
    [
      [1, null, false, false],
      [2, hosts[0]!.name, false, false],
    ],
    "attempts come in order, with their host's name, never with their token hash or result",
  );
  await assert.rejects(getBuildOrThrow({ actor: other, buildId: source.id }), (e) => isAppError(e) && e.code === "NOT_FOUND");
});
