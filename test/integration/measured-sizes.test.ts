// The catalog learns sizes from builds: one REAL engine build (Nix, and the one BIOS boot ISOLINUX needs) through the
// app on real PostgreSQL and Redis, then the search, closure and configurator answers give the measured size of the
// package whose part holds only itself, and Installed-Size for the one that pulled in dependencies.
// Run: npm test -- measured-sizes
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildResultSchema } from "@/contracts/build-result";
import { estimateSize, selectionHash, type Selection } from "@/contracts/selection";
import { createApiToken } from "@/lib/api-tokens";
import { createBuild } from "@/lib/builds";
import { getChannelOrThrow } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { buildIso } from "@/worker/engine/build-iso";
import { readArchive } from "@/worker/engine/channels";
import { startBuildHost } from "@/worker/host";
import { hostEnv, makeActor, waitForStatus } from "./builds/fixtures";

const roles = { bootloader: "isolinux", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" };
// tree needs nothing the base lacks (its part is tree's .deb alone); jq pulls in libjq1 and libonig5.
const selection: Selection = { channel: "mini", roles, packages: ["jq", "tree"] };

type Json = Record<string, any>;

let app: Awaited<ReturnType<typeof startAppServer>>;
const forget = () => getDb().catalogPackage.updateMany({ where: { channel: "mini", id: { in: ["jq", "tree"] } }, data: { measuredBytes: null } });
before(async () => {
  app = await startAppServer();
  await forget();
});
after(async () => {
  await forget();
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

test("after a build, a package's size in the catalog is the one the build measured, and says so", { timeout: 900_000 }, async () => {
  const alice = await makeActor("measured");
  const { token } = await createApiToken({ actor: alice, name: "measured sizes test" });
  const api = async (path: string) => {
    const response = await fetch(`${app.appUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as Json;
  };
  const search = async (q: string) => ((await api(`/api/v1/channels/mini/packages?q=${q}&limit=1`)).packages as Json[])[0]!;
  const archive = readArchive();

  const before = await search("tree");
  assert.equal(before.sizeBytes, archive.packages.tree!.installedBytes);
  assert.equal(before.sizeMeasured, false);

  const db = getDb();
  const machine = await db.machine.create({ data: { ownerId: alice.id, name: "measured", arch: "x86_64" } });
  const profile = await db.profile.create({ data: { machineId: machine.id, name: "p", channel: "mini" } });
  const revision = await db.profileRevision.create({ data: { profileId: profile.id, number: 1, selection, configHash: selectionHash(selection) } });
  const host = await startBuildHost({
    env: await hostEnv(app.appUrl, `measured-${Date.now()}`),
    runBuild: (options) => buildIso(options),
    log: () => undefined,
  });
  let done;
  try {
    done = await waitForStatus((await createBuild({ actor: alice, revisionId: revision.id })).id, "SUCCEEDED", 600_000);
  } finally {
    await host.close();
  }
  const result = buildResultSchema.parse(done.result);
  assert.equal(result.version, 2);
  const parts = result.version === 2 ? result.sizes.parts : [];
  const treePart = parts.find((p) => p.kind === "package" && p.name === "tree")!;
  const jqPart = parts.find((p) => p.kind === "package" && p.name === "jq")!;
  assert.deepEqual(
    treePart.debs.map((d) => d.name),
    ["tree"],
  );
  assert.ok(jqPart.debs.length > 1, "jq's part holds its libraries too");
  assert.notEqual(treePart.bytes, archive.packages.tree!.installedBytes, "the measured size differs from Installed-Size");

  // Search (the picker's rows), what adding it brings, and the closure route: the measured bytes, marked so.
  const after = await search("tree");
  assert.equal(after.sizeBytes, treePart.bytes);
  assert.equal(after.sizeMeasured, true);
  assert.deepEqual(after.adds, { packages: 1, bytes: treePart.bytes, measured: 1 });
  const jq = await search("jq");
  assert.equal(jq.sizeBytes, archive.packages.jq!.installedBytes);
  assert.equal(jq.sizeMeasured, false);
  const closure = (await api("/api/v1/channels/mini/packages/closure?ids=tree,jq")).packages as Json[];
  const byId = new Map(closure.map((p) => [p.id, p]));
  assert.equal(byId.get("tree")!.sizeBytes, treePart.bytes);
  assert.equal(byId.get("tree")!.sizeMeasured, true);
  assert.equal(byId.get("jq")!.sizeBytes, archive.packages.jq!.installedBytes);
  assert.equal(byId.get("jq")!.sizeMeasured, undefined);

  // The configurator's slice and its size bar: tree's part is measured, jq's from the archive.
  const { catalog } = await getChannelOrThrow("mini", { packages: selection.packages });
  const bar = estimateSize(catalog, selection);
  assert.deepEqual(
    bar.find((p) => p.label.startsWith("tree")),
    { label: catalog.packages.find((p) => p.id === "tree")!.label, bytes: treePart.bytes, source: "measured" },
  );
  assert.equal(bar.find((p) => p.label.startsWith("jq"))!.source, "from the archive");
});
