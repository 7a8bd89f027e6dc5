// The downloads page and the builds list page by keyset cursors (lib/pagination.ts): every row once, in a stable
// order, while new rows arrive between pages; rows sharing a timestamp split across pages; SHA256SUMS lists all.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { getSha256Sums, listDownloads } from "@/lib/artifacts/downloads";
import { listBuildRows, listBuilds } from "@/lib/builds/queries";
import { getDb } from "@/lib/db";
import { makeActor, makeRevisions } from "./builds/fixtures";

after(() => getDb().$disconnect());

/** A succeeded build with its ISO; `at` is both its queuing and finishing time. */
async function succeeded(actor: { id: string }, revisionId: string, name: string, at: Date) {
  return getDb().build.create({
    data: {
      revisionId,
      requestedById: actor.id,
      status: "SUCCEEDED",
      arch: "x86_64",
      channel: "mini",
      channelRevision: "r",
      configHash: name,
      queuedAt: at,
      finishedAt: at,
      artifacts: {
        create: {
          kind: "ISO",
          fileName: `${name}.iso`,
          sizeBytes: 1n,
          sha256: randomUUID().replace(/-/g, "").padEnd(64, "0"),
          storageKey: `test/${randomUUID()}`,
        },
      },
    },
  });
}

test("30 ISOs, 6 of them finished in the same millisecond: pages of 25 then 5, newest first, each once; back again; SHA256SUMS lists 30", async () => {
  const actor = await makeActor("pages");
  const [revisionId] = await makeRevisions(actor, 1);
  for (let i = 0; i < 30; i++) await succeeded(actor, revisionId!, `iso-${String(i).padStart(2, "0")}`, new Date(Date.UTC(2026, 0, 1, 0, Math.max(i, 23))));
  const first = await listDownloads({ actor });
  assert.equal(first.items.length, 25);
  assert.equal(first.newer, null, "the first page has nothing newer");
  assert.ok(first.older);
  const second = await listDownloads({ actor, after: first.older! });
  assert.equal(second.items.length, 5);
  assert.equal(second.older, null, "the last page has nothing older");
  const all = [...first.items, ...second.items];
  assert.equal(new Set(all.map((d) => d.buildId)).size, 30);
  assert.equal(all.at(-1)!.iso.fileName, "iso-00.iso");
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.finishedAt! >= all[i]!.finishedAt!, "newest first");
  // Back from the second page: the same 25 as the first, in the same order.
  const back = await listDownloads({ actor, before: second.newer! });
  assert.deepEqual(
    back.items.map((d) => d.buildId),
    first.items.map((d) => d.buildId),
  );
  assert.equal(back.newer, null);

  const sums = (await getSha256Sums({ actor })).trim().split("\n");
  assert.equal(sums.length, 30);
  const other = await makeActor("pages-other");
  assert.deepEqual((await listDownloads({ actor: other })).items, []);
  assert.equal(await getSha256Sums({ actor: other }), "");
});

test("builds list: walking older pages while new builds are queued sees every older build once, no gaps; a forged cursor is refused", async () => {
  const actor = await makeActor("keyset");
  const [revisionId] = await makeRevisions(actor, 1);
  const base = Date.UTC(2026, 5, 1);
  // 40 builds, in groups of 4 sharing a queuedAt, so page edges fall inside groups.
  const made = [];
  for (let i = 0; i < 40; i++) made.push(await succeeded(actor, revisionId!, `b${i}`, new Date(base + Math.floor(i / 4) * 1000)));
  const oldest40 = [...made].sort((a, b) => b.queuedAt.getTime() - a.queuedAt.getTime() || (a.id < b.id ? 1 : -1)).map((b) => b.id);
  // The page's rows (one SQL query) and the REST list (Prisma) page alike.
  for (const [name, list] of [
    ["listBuildRows", listBuildRows],
    ["listBuilds", listBuilds],
  ] as const) {
    // Builds the walk before this one added are newer than the 40: they come first.
    const madeIds = new Set(oldest40);
    const newerAtStart = (await list({ actor, take: 100 })).items.filter((b) => !madeIds.has(b.id)).length;
    const seen: string[] = [];
    let page = await list({ actor, take: 7 });
    for (let n = 0; page; n++) {
      seen.push(...page.items.map((b) => b.id));
      // Newer builds arrive while someone reads: they belong before page one, never inside a later page.
      await succeeded(actor, revisionId!, `new-${name}-${n}`, new Date(base + 100_000 + n * 1000));
      if (!page.older) break;
      page = await list({ actor, take: 7, after: page.older });
    }
    assert.deepEqual(seen.slice(newerAtStart), oldest40, `${name}: every one of the 40 once, in (queuedAt, id) order`);
  }
  const rows = await listBuildRows({ actor, take: 3 });
  const back = await listBuildRows({ actor, take: 3, before: (await listBuildRows({ actor, take: 3, after: rows.older! })).newer! });
  assert.deepEqual(back.items, rows.items, "back from page two is page one");
  await assert.rejects(listBuildRows({ actor, after: "not-a-cursor" }), /page cursor is not one this dashboard gave out/);
});
