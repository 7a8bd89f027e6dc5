// The downloads page pages through many ISOs; SHA256SUMS still lists every one.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { countDownloads, getSha256Sums, listDownloads } from "@/lib/artifacts/downloads";
import { getDb } from "@/lib/db";
import { makeActor, makeRevisions } from "./builds/fixtures";

after(() => getDb().$disconnect());

test("30 ISOs: pages of 25 then 5, newest first, and 30 lines in SHA256SUMS", async () => {
  const actor = await makeActor("pages");
  const [revisionId] = await makeRevisions(actor, 1);
  const db = getDb();
  for (let i = 0; i < 30; i++) {
    await db.build.create({
      data: {
        revisionId: revisionId!,
        requestedById: actor.id,
        status: "SUCCEEDED",
        arch: "x86_64",
        channel: "mini",
        channelRevision: "r",
        configHash: `h${i}`,
        finishedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
        artifacts: { create: { kind: "ISO", fileName: `iso-${i}.iso`, sizeBytes: 1n, sha256: `${i}`.padStart(64, "0"), storageKey: `test/${randomUUID()}` } },
      },
    });
  }
  assert.equal(await countDownloads({ actor }), 30);
  const first = await listDownloads({ actor, take: 25 });
  const second = await listDownloads({ actor, skip: 25, take: 25 });
  assert.equal(first.length, 25);
  assert.equal(second.length, 5);
  assert.equal(first[0]!.iso.fileName, "iso-29.iso");
  assert.equal(second.at(-1)!.iso.fileName, "iso-0.iso");
  assert.equal(new Set([...first, ...second].map((d) => d.buildId)).size, 30);
  const sums = (await getSha256Sums({ actor })).trim().split("\n");
  assert.equal(sums.length, 30);
  assert.equal(sums[0], `${"29".padStart(64, "0")}  iso-29.iso`);
  const other = await makeActor("pages-other");
  assert.equal(await countDownloads({ actor: other }), 0);
  assert.equal(await getSha256Sums({ actor: other }), "");
});
