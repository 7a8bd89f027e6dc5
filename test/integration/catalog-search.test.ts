// The generated catalog in PostgreSQL: ranked search, what a package adds to a selection, and the closure slice
// validation reads. Run: npm test -- catalog-search
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateSelection } from "@/contracts/selection";
import { findPackageClosure, getChannelOrThrow, searchPackages } from "@/lib/catalog";
import { getDb } from "@/lib/db";

test("the generated packages are seeded, with their names and descriptions searchable", async () => {
  assert.ok((await getDb().catalogPackage.count({ where: { channel: "mini" } })) >= 2000);
});

test("search ranks the exact name first, then names starting with the query; every word must match", async () => {
  const hits = await searchPackages({ channel: "mini", query: "tmux" });
  assert.equal(hits[0]!.id, "tmux");
  assert.ok(
    hits.slice(1, 4).every((h) => h.id.startsWith("tmux")),
    hits.map((h) => h.id).join(" "),
  );
  const words = await searchPackages({ channel: "mini", query: "terminal multiplexer" });
  assert.ok(words.some((h) => h.id === "tmux"));
  assert.deepEqual(await searchPackages({ channel: "mini", query: "%_" }), []);
});

test("what a package adds: its closure minus what the selection already brings, each package once", async () => {
  const [alone] = await searchPackages({ channel: "mini", query: "tmux", limit: 1 });
  const closure = await findPackageClosure({ channel: "mini", packages: ["tmux"] });
  assert.equal(alone!.adds.packages, closure.length);
  assert.equal(
    alone!.adds.bytes,
    closure.reduce((sum, p) => sum + p.sizeBytes, 0),
  );
  const [withTinfo] = await searchPackages({ channel: "mini", query: "tmux", limit: 1, selected: ["nano"] });
  assert.ok(withTinfo!.adds.packages < alone!.adds.packages, "nano already brings libtinfo6");
});

test("a selection's slice validates it: known packages pass, an unknown one is named", async () => {
  const { catalog } = await getChannelOrThrow("mini", { packages: ["vim", "tmux"] });
  assert.ok(
    catalog.packages.some((p) => p.id === "vim-runtime"),
    "the slice holds what vim pulls in",
  );
  const roles = Object.fromEntries(catalog.roles.map((r) => [r.id, r.default]));
  assert.deepEqual(validateSelection(catalog, { channel: "mini", roles, packages: ["vim", "tmux"] }), []);
  const bad = await getChannelOrThrow("mini", { packages: ["no-such-package"] });
  assert.match(validateSelection(bad.catalog, { channel: "mini", roles, packages: ["no-such-package"] })[0]!.message, /no-such-package/);
});

test("the channel a Build click checks is the caller's own, and follows a size a build measured", async () => {
  const first = await getChannelOrThrow("mini", { packages: ["tmux"] });
  first.catalog.packages.push({ ...first.catalog.packages[0]!, id: "not-in-the-catalog" });
  // One of the channel's own (catalog.json's) packages, listed first.
  const featured = first.catalog.packages.find((p) => !p.sizeMeasured)!;
  featured.sizeBytes = 1;
  const second = await getChannelOrThrow("mini", { packages: ["tmux"] });
  assert.ok(!second.catalog.packages.some((p) => p.id === "not-in-the-catalog"), "one caller's change is not the next caller's catalog");
  assert.notEqual(second.catalog.packages.find((p) => p.id === featured.id)!.sizeBytes, 1);
  assert.ok(
    second.catalog.packages.some((p) => p.id === "libevent-core-2.1-7"),
    "tmux's closure is in the slice",
  );

  // As recordMeasuredSizes records one: the package's measured bytes, and the channel's updatedAt touched.
  const db = getDb();
  const measure = (bytes: bigint | null) =>
    db.$transaction([
      db.catalogPackage.updateMany({ where: { channel: "mini", id: featured.id }, data: { measuredBytes: bytes } }),
      db.channel.update({ where: { name: "mini" }, data: { updatedAt: new Date() } }),
    ]);
  await measure(1234n);
  try {
    const measured = (await getChannelOrThrow("mini")).catalog.packages.find((p) => p.id === featured.id)!;
    assert.deepEqual([measured.sizeBytes, measured.sizeMeasured], [1234, true]);
  } finally {
    await measure(null);
  }
  assert.equal((await getChannelOrThrow("mini")).catalog.packages.find((p) => p.id === featured.id)!.sizeMeasured, undefined);
});
