import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { catalogSchema } from "./catalog";
import { applyFix, defaultSelection, estimateSize, selectionHash, sizeSourceText, validateSelection, type Selection } from "./selection";

// The real mini catalog: its requirement (bash-completion needs bash) and conflict (efibootmgr vs ISOLINUX) are data.
const catalog = catalogSchema.parse(JSON.parse(readFileSync("nix/channels/mini/catalog.json", "utf8")));

test("the default selection of the catalog is buildable", () => {
  assert.deepEqual(validateSelection(catalog, defaultSelection(catalog)), []);
});

test("a package added to a catalog after a check is known to the next check (a configurator's slice grows)", () => {
  const slice = { ...catalog, packages: catalog.packages.filter((p) => p.id !== "htop") };
  const selection: Selection = { ...defaultSelection(catalog), packages: ["htop"] };
  assert.deepEqual(
    validateSelection(slice, selection).map((p) => p.code),
    ["unknown-package"],
  );
  slice.packages.push(catalog.packages.find((p) => p.id === "htop")!);
  assert.deepEqual(validateSelection(slice, selection), []);
});

test("the hash ignores order and duplicates, and changes with any choice", () => {
  const base = defaultSelection(catalog);
  const a: Selection = { ...base, packages: ["nano", "htop"] };
  const b: Selection = { channel: base.channel, roles: Object.fromEntries(Object.entries(base.roles).reverse()), packages: ["htop", "nano", "htop"] };
  assert.equal(selectionHash(a), selectionHash(b));
  assert.notEqual(selectionHash(a), selectionHash({ ...a, packages: ["htop"] }));
  assert.notEqual(selectionHash(a), selectionHash({ ...a, roles: { ...a.roles, shell: "zsh" } }));
});

test("the hash is the sha256 of the canonical JSON, so stored config hashes stay valid", () => {
  // Pinned: `printf '%s' '{"channel":"mini",...}' | sha256sum` gives this digest; a changed hash would orphan every saved revision's reuse.
  const selection: Selection = {
    channel: "mini",
    roles: { shell: "bash", bootloader: "grub", kernel: "generic", compression: "zstd" },
    packages: ["htop", "nano", "htop"],
  };
  assert.equal(selectionHash(selection), "ab2ee10ceb0cb8b03ff30307eac2377024e5a9ebbeb957ed2a6ed15883c150ed");
  // Non-ASCII text is hashed as UTF-8, as node:crypto did.
  assert.equal(
    selectionHash({ channel: "mini", roles: { shell: "zsh" }, packages: ["ünïcode-x"] }),
    "0491101729e4eca0be33b27991e41f736c96d28b582ce86e8160a9ebfbbd9512",
  );
});

test("an unknown package and an unknown alternative are named, with a fix", () => {
  const selection: Selection = { ...defaultSelection(catalog), packages: ["emacs"], roles: { ...defaultSelection(catalog).roles, shell: "fish" } };
  const problems = validateSelection(catalog, selection);
  const messages = problems.map((p) => p.message);
  assert.ok(
    messages.some((m) => m.includes('unknown package "emacs"')),
    messages.join("\n"),
  );
  assert.ok(
    messages.some((m) => m.includes('no alternative "fish"')),
    messages.join("\n"),
  );
  for (const problem of problems) assert.ok(problem.fixes.length > 0, `${problem.message} offers a fix`);
});

test("a missing role is reported with its default as the fix", () => {
  const { shell: _removed, ...roles } = defaultSelection(catalog).roles;
  const problems = validateSelection(catalog, { ...defaultSelection(catalog), roles });
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, "missing-role");
  assert.deepEqual(problems[0]!.subject, { role: "shell" });
});

test("a requirement is explained and either fix makes the selection buildable", () => {
  const selection: Selection = { ...defaultSelection(catalog), roles: { ...defaultSelection(catalog).roles, shell: "busybox" }, packages: ["bash-completion"] };
  const problems = validateSelection(catalog, selection);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, "missing-requirement");
  assert.match(problems[0]!.message, /requires .*Bash/i);
  assert.equal(problems[0]!.fixes.length, 2);
  for (const fix of problems[0]!.fixes) assert.deepEqual(validateSelection(catalog, applyFix(selection, fix)), [], fix.label);
});

test("a conflict is reported once, and either fix resolves it", () => {
  const selection: Selection = {
    ...defaultSelection(catalog),
    roles: { ...defaultSelection(catalog).roles, bootloader: "isolinux" },
    packages: ["efibootmgr"],
  };
  const problems = validateSelection(catalog, selection);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, "conflict");
  for (const fix of problems[0]!.fixes) assert.deepEqual(validateSelection(catalog, applyFix(selection, fix)), [], fix.label);
});

test("the size estimate adds up the base, each chosen alternative and each package, largest first", () => {
  const selection: Selection = { ...defaultSelection(catalog), packages: ["htop", "nano"] };
  const parts = estimateSize(catalog, selection);
  assert.equal(parts.length, 1 + catalog.roles.length + 2);
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  const expected =
    catalog.baseSizeBytes +
    catalog.roles.reduce((sum, role) => sum + role.alternatives.find((a) => a.id === selection.roles[role.id])!.sizeBytes, 0) +
    catalog.packages.filter((p) => selection.packages.includes(p.id)).reduce((sum, p) => sum + p.sizeBytes, 0);
  assert.equal(total, expected);
  assert.deepEqual(
    [...parts].sort((a, b) => b.bytes - a.bytes),
    parts,
  );
});

test("the size estimate says where each package's size comes from: measured by a build, or the archive's", () => {
  const measured = { ...catalog, packages: catalog.packages.map((p) => (p.id === "htop" ? { ...p, sizeMeasured: true } : p)) };
  const parts = estimateSize(measured, { ...defaultSelection(catalog), packages: ["htop", "nano"] });
  assert.equal(parts.find((p) => p.label.startsWith("htop"))!.source, "measured");
  assert.equal(parts.find((p) => p.label.startsWith("nano"))!.source, "from the archive");
  assert.equal(sizeSourceText(1, 3), "1 of 3 measured, the rest from the archive");
});
