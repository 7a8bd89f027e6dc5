import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readChannelRevision } from "./channel-revision";

test("a channel's revision follows its files: the same while nothing changes, new after an edit or a new file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zxcv-channel-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "nix"));
  writeFileSync(join(dir, "catalog.json"), '{"packages":["bash"]}');
  writeFileSync(join(dir, "nix", "default.nix"), "{ }");
  const first = readChannelRevision(dir);
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.equal(readChannelRevision(dir), first);

  // An edit of the same size, written a second later (as a checkout writes it).
  writeFileSync(join(dir, "catalog.json"), '{"packages":["dash"]}');
  const later = new Date(Date.now() + 1000);
  utimesSync(join(dir, "catalog.json"), later, later);
  const edited = readChannelRevision(dir);
  assert.notEqual(edited, first);

  writeFileSync(join(dir, "nix", "extra.nix"), "{ }");
  assert.notEqual(readChannelRevision(dir), edited);

  rmSync(join(dir, "nix", "extra.nix"));
  assert.equal(readChannelRevision(dir), edited);
});
