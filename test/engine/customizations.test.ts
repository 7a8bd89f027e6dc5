// Slow engine test (real Nix in a fresh separate store, real QEMU): a profile's customizations reach the ISO as data,
// the boot test reads each one back over SSH, and changing one rebuilds only the small layer plus initramfs and ISO.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { BuildResult } from "../../contracts/build-result";
import { customizationsFields, textToBase64, type Customizations } from "../../contracts/customizations";
import type { Selection } from "../../contracts/selection";
import { hashSystemPassword } from "../../lib/system-password";
import { buildIso } from "../../worker/engine/build-iso";

const root = mkdtempSync(join(tmpdir(), "zxcv-customizations-test-"));
const store = join(root, "store");
after(() => rmSync(root, { recursive: true, force: true }));

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const password = hashSystemPassword("correct horse battery");
const salt = password.split("$")[2]!;
const binary = Buffer.from([0, 1, 2, 255, 10, 13]).toString("base64");

const customizations: Customizations = customizationsFields.parse({
  hostname: "lab-01",
  timezone: "Europe/Berlin",
  keymap: "de",
  users: [
    { name: "alice", groups: ["admin", "lab"], keys: [KEY], passwordHash: password },
    { name: "bob", groups: ["lab"], keys: [] },
  ],
  root: { keys: [KEY] },
  kernelArgs: ["mitigations=off", "zz.customized=1"],
  files: [
    { path: "/etc/motd", mode: "0644", content: textToBase64("Welcome to lab-01\n") },
    { path: "/root/secret.bin", mode: "0600", content: binary },
    { path: "/usr/local/bin/hello", mode: "0755", content: textToBase64("#!/bin/sh\necho hello\n") },
  ],
  // The guest's own crypt must give the hash the app made: then its busybox login accepts the password.
  firstBoot: `echo "ZXCV-PW $(mkpasswd -m sha512 -S ${salt} 'correct horse battery')"\n/usr/local/bin/hello\n`,
});
const roles = { bootloader: "grub", shell: "bash", kernel: "generic", compression: "gzip", network: "dhcp", ssh: "openssh" };
const selection: Selection = { channel: "mini", roles, packages: [], customizations };

function build(s: Selection, bootTest: boolean, onLog?: (line: string) => void): Promise<BuildResult> {
  return buildIso({ selection: s, store, bootTest, workDir: join(root, "work"), onLog });
}

describe("customizations in the mini channel", { concurrency: false }, () => {
  test("each customization is applied and read back over SSH on BIOS and UEFI", { timeout: 600_000 }, async () => {
    const lines: string[] = [];
    const result = await build(selection, true, (line) => lines.push(line));
    assert.deepEqual(
      result.bootTests.map((t) => t.firmware),
      ["bios", "uefi"],
    );
    for (const boot of result.bootTests) {
      assert.deepEqual(
        boot.checks?.map((c) => c.name),
        ["marker", "screen", "network", "ssh", "hostname", "timezone", "keymap", "users", "kernel-args", "files", "first-boot", "keyboard"],
      );
      for (const check of boot.checks ?? []) assert.ok(check.passed, `${boot.firmware} ${check.name}: ${check.problem}`);
      const users = boot.checks!.find((c) => c.name === "users")!.detail!;
      assert.match(users, /logged in by key as alice, bob/);
      // alice is in admin: her key is root's too; bob's (not in admin) is refused for root.
      assert.match(users, /alice's key logs in as root \(id -u 0\), bob's is refused for root$/);
    }
    const pw = lines.filter((l) => /\] ZXCV-PW /.test(l)).map((l) => l.slice(l.indexOf("ZXCV-PW ") + 8).trim());
    assert.deepEqual(pw, [password, password], "the booted system's crypt agrees with the app's hash (once per boot)");
    assert.ok(
      lines.some((l) => /\] hello$/.test(l)),
      "the first-boot script ran a file the profile put in place",
    );
  });

  test("changing one customization rebuilds only the customization layer, the initramfs and the ISO", { timeout: 300_000 }, async () => {
    const renamed = await build({ ...selection, customizations: { ...customizations, hostname: "lab-02" } }, false);
    assert.deepEqual(renamed.builtDerivationNames, ["initramfs-gzip", "rootfs-customizations", "zxcv-mini-iso"]);
    const argued = await build({ ...selection, customizations: { ...customizations, kernelArgs: ["mitigations=auto"] } }, false);
    assert.deepEqual(argued.builtDerivationNames, ["zxcv-mini-iso"], "kernel arguments live in the boot menu only");
  });
});
