import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { applyFix, validateSelection } from "../../contracts/selection";
import { channelDir, loadCatalog, lockRevision, readComponents, readLock, repoRoot } from "./channels";

test("both channel catalogs parse with the catalog schema", () => {
  assert.equal(loadCatalog("mini").channel, "mini");
  assert.equal(loadCatalog("nixos").channel, "nixos");
});

test("a host reads its catalog once, and again when its checkout changed", () => {
  const first = loadCatalog("mini");
  assert.equal(loadCatalog("mini"), first, "the same catalog while catalog.json and the archive are unchanged");
  const file = join(channelDir("mini"), "catalog.json");
  const { atime, mtime } = statSync(file);
  try {
    utimesSync(file, atime, new Date(mtime.getTime() + 60_000));
    const reread = loadCatalog("mini");
    assert.notEqual(reread, first, "a checkout that wrote catalog.json is read again");
    assert.deepEqual(reread, first);
  } finally {
    utimesSync(file, atime, mtime);
  }
});

test("mini catalog offers the real alternatives and at least eight optional packages, with a requirement and a conflict", () => {
  const catalog = loadCatalog("mini");
  const alts = Object.fromEntries(catalog.roles.map((r) => [r.id, r.alternatives.map((a) => a.id)]));
  assert.deepEqual(alts, {
    bootloader: ["grub", "isolinux"],
    shell: ["busybox", "bash", "zsh"],
    kernel: ["generic", "cloud"],
    compression: ["gzip", "xz", "zstd"],
    network: ["none", "dhcp"],
    ssh: ["none", "dropbear", "openssh"],
  });
  assert.ok(catalog.packages.length >= 8);
  assert.ok(catalog.packages.some((p) => p.requires.length > 0));
  assert.ok(catalog.packages.some((p) => p.conflicts.length > 0));
});

test("every catalog choice of mini has components, and every component deb is pinned", () => {
  const catalog = loadCatalog("mini");
  const components = readComponents();
  const lock = readLock();
  const pinned = new Set(lock.debs.map((d) => d.name));
  for (const role of catalog.roles)
    for (const alt of role.alternatives) assert.ok(components.roles[role.id]?.[alt.id], `${role.id}=${alt.id} has no components`);
  assert.ok(catalog.packages.length >= 2000, `the generated catalog offers ${catalog.packages.length} packages`);
  const offered = new Set(catalog.packages.map((p) => p.id));
  for (const pkg of catalog.packages) for (const dep of pkg.debian!.depends) assert.ok(offered.has(dep), `${pkg.id} needs ${dep}, which is not offered`);
  const wanted = [
    ...Object.values(components.tools).flatMap((t) => t.debs),
    ...Object.values(components.roles).flatMap((r) => Object.values(r).flatMap((a) => a.debs)),
  ];
  for (const name of wanted) assert.ok(pinned.has(name), `${name} is not pinned: run npm run pin:mini`);
});

test("the lock's revision is the hash of its content and no mirror host is committed", () => {
  const lock = readLock();
  assert.equal(lockRevision(lock), lock.revision);
  for (const d of lock.debs) {
    assert.match(d.path, /^pool\//);
    assert.doesNotMatch(d.storeName, /[~:]/);
  }
  const files = readdirSync(channelDir("mini"))
    .map((f) => join(channelDir("mini"), f))
    // archive.json and left-out.txt quote Debian's package descriptions (some name web sites); their pins are paths.
    .filter((f) => statSync(f).isFile() && !/(archive\.json|left-out\.txt)$/.test(f));
  for (const file of [...files, join(repoRoot, "scripts", "pin-mini.ts")]) {
    assert.doesNotMatch(readFileSync(file, "utf8"), /https?:\/\/|debian\.org/, `${file} names a host`);
  }
});

test("the generated catalog: two packages that ship one file, or conflict, are refused naming both, with one-click fixes", () => {
  const catalog = loadCatalog("mini");
  const roles = Object.fromEntries(catalog.roles.map((r) => [r.id, r.default]));
  // A pair Debian declares no conflict for: only the file list (Contents) knows they collide.
  const clashing = catalog.packages.find((p) => p.debian!.clashes.some(([o]) => !p.debian!.conflicts.includes(o)))!;
  const [other, file] = clashing.debian!.clashes.find(([o]) => !clashing.debian!.conflicts.includes(o))!;
  const selection = { channel: "mini", roles, packages: [clashing.id, other] };
  const problems = validateSelection(catalog, selection);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.message, `${clashing.id} and ${other} both ship /${file}`);
  for (const fix of problems[0]!.fixes) assert.deepEqual(validateSelection(catalog, applyFix(selection, fix)), [], fix.label);
  const conflicting = catalog.packages.find((p) => p.debian!.conflicts.length > 0 && p.debian!.clashes.length === 0)!;
  const rival = conflicting.debian!.conflicts[0]!;
  const conflict = validateSelection(catalog, { channel: "mini", roles, packages: [conflicting.id, rival] });
  assert.ok(
    conflict.some((p) => p.code === "conflict" && p.message.includes(conflicting.id) && p.message.includes(rival)),
    JSON.stringify(conflict),
  );
});
