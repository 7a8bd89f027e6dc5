import assert from "node:assert/strict";
import { test } from "node:test";
import type { Catalog } from "./catalog";
import { diffSelections } from "./selection-diff";

const catalog = {
  channel: "mini",
  label: "Mini",
  description: "test",
  arch: ["x86_64"],
  baseSizeBytes: 1,
  roles: [
    {
      id: "shell",
      label: "Shell",
      description: "s",
      default: "ash",
      alternatives: [
        { id: "ash", label: "BusyBox ash", description: "a", sizeBytes: 1, requires: [], conflicts: [] },
        { id: "bash", label: "Bash", description: "b", sizeBytes: 2, requires: [], conflicts: [] },
      ],
    },
    {
      id: "bootloader",
      label: "Bootloader",
      description: "b",
      default: "grub",
      alternatives: [{ id: "grub", label: "GRUB", description: "g", sizeBytes: 1, requires: [], conflicts: [] }],
    },
  ],
  packages: [{ id: "htop", label: "htop", description: "h", category: "tools", sizeBytes: 1, requires: [], conflicts: [] }],
} satisfies Catalog;

test("equal selections have no changes, whatever the package order", () => {
  const a = { channel: "mini", roles: { shell: "ash" }, packages: ["htop", "vim"] };
  const b = { channel: "mini", roles: { shell: "ash" }, packages: ["vim", "htop"] };
  assert.deepEqual(diffSelections(a, b, catalog), []);
});

test("a swapped alternative is one change with both labels", () => {
  const changes = diffSelections(
    { channel: "mini", roles: { shell: "ash", bootloader: "grub" }, packages: [] },
    { channel: "mini", roles: { shell: "bash", bootloader: "grub" }, packages: [] },
    catalog,
  );
  assert.deepEqual(changes, [{ kind: "swapped", role: "shell", from: "ash", to: "bash", text: "Shell: BusyBox ash → Bash" }]);
});

test("added and removed packages and roles, roles in catalog order first", () => {
  const changes = diffSelections(
    { channel: "mini", roles: { shell: "ash" }, packages: ["old-tool"] },
    { channel: "mini", roles: { bootloader: "grub" }, packages: ["htop"] },
    catalog,
  );
  assert.deepEqual(
    changes.map((c) => [c.kind, c.text]),
    [
      ["removed", "Shell: BusyBox ash"],
      ["added", "Bootloader: GRUB"],
      ["added", "package htop"],
      ["removed", "package old-tool"],
    ],
  );
});

test("without a catalog the raw ids are shown", () => {
  const [change] = diffSelections({ channel: "mini", roles: { shell: "ash" }, packages: [] }, { channel: "mini", roles: { shell: "zsh" }, packages: [] });
  assert.equal(change?.text, "shell: ash → zsh");
});
