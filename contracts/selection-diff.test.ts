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

test("customizations: one line per changed hostname, user, root, kernel arguments, file and script", () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
  const base = { channel: "mini", roles: { shell: "ash" }, packages: [] };
  const before = {
    ...base,
    customizations: {
      hostname: "lab-01",
      users: [{ name: "alice", groups: ["admin"], keys: [key] }],
      kernelArgs: [],
      files: [{ path: "/etc/motd", mode: "0644", content: "aGkK" }],
    },
  };
  const after = {
    ...base,
    customizations: {
      hostname: "lab-02",
      users: [{ name: "alice", groups: [], keys: [key] }],
      root: { keys: [key] },
      kernelArgs: ["nomodeset"],
      files: [],
      firstBoot: "echo hi\n",
    },
  };
  assert.deepEqual(
    diffSelections(before, after, catalog).map((c) => `${c.kind} ${c.text}`),
    [
      "changed hostname: lab-01 → lab-02",
      "changed user: alice (groups admin, keys alice@laptop) → alice (no groups, keys alice@laptop)",
      "added root keys alice@laptop, password locked",
      "added kernel arguments nomodeset",
      "removed file /etc/motd (mode 0644, 3 bytes)",
      "added first-boot script (1 line)",
    ],
  );
  assert.deepEqual(diffSelections(base, { ...base, customizations: { users: [], kernelArgs: [], files: [] } }, catalog), []);
});
