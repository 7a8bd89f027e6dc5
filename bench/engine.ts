// npm run bench:engine — figures for the mini channel's build engine on this machine (no assertions).
// Cold build into a fresh separate store (debs from the local cache), warm rebuild, one-swap rebuild,
// boot-test times on BIOS and UEFI, input closure and ISO sizes; for the live system: the ISO size per network/SSH/
// kernel choice, the time from power-on to the shell prompt on screen and to SSH answering, on BIOS and UEFI.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Selection } from "../contracts/selection";
import { bootTest } from "../worker/engine/boot-test";
import { buildIso } from "../worker/engine/build-iso";

const root = mkdtempSync(join(tmpdir(), "zxcv-bench-"));
const store = join(root, "store");
const base: Selection = {
  channel: "mini",
  roles: { bootloader: "grub", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" },
  packages: [],
};
const rows: [string, string][] = [];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function timed(label: string, selection: Selection) {
  const started = performance.now();
  const result = await buildIso({ selection, store, workDir: join(root, "work"), bootTest: false });
  const seconds = (performance.now() - started) / 1000;
  rows.push([label, `${seconds.toFixed(2)} s, ${result.builtDerivations} derivation(s) built`]);
  return result;
}

try {
  console.log(`mini channel engine bench on ${cpus().length} cores (${cpus()[0]?.model ?? "cpu"})`);
  const cold = await timed("cold build (fresh store, GRUB+busybox+gzip)", base);
  await timed("warm rebuild (same selection)", base);
  await timed("one swap: shell busybox -> bash", { ...base, roles: { ...base.roles, shell: "bash" } });
  await timed("one swap: compression gzip -> zstd", { ...base, roles: { ...base.roles, compression: "zstd" } });
  const isolinux = await timed("ISOLINUX variant", { ...base, roles: { ...base.roles, bootloader: "isolinux" } });
  for (const firmware of ["bios", "uefi"] as const) {
    const t = await bootTest({ isoPath: cold.isoPath, firmware, bootloader: "grub", selection: base });
    rows.push([
      `boot test ${firmware} (GRUB, to the marker line)`,
      `${(t.checks?.find((c) => c.name === "marker")?.seconds ?? t.seconds).toFixed(1)} s${t.passed ? "" : ` FAILED: ${t.problem}`}`,
    ]);
  }
  const t = await bootTest({
    isoPath: isolinux.isoPath,
    firmware: "bios",
    bootloader: "isolinux",
    selection: { ...base, roles: { ...base.roles, bootloader: "isolinux" } },
  });
  rows.push([
    "boot test bios (ISOLINUX, to the marker line)",
    `${(t.checks?.find((c) => c.name === "marker")?.seconds ?? t.seconds).toFixed(1)} s${t.passed ? "" : ` FAILED: ${t.problem}`}`,
  ]);
  rows.push(["input closure (every output needed to build the GRUB ISO)", mb(cold.inputClosureBytes)]);
  // The live system: what each role choice costs, and how soon a person gets a prompt and an SSH login.
  const choices: [string, Selection["roles"]][] = [
    ["network none, ssh none", base.roles],
    ["network dhcp, ssh none", { ...base.roles, network: "dhcp" }],
    ["network dhcp, ssh dropbear", { ...base.roles, network: "dhcp", ssh: "dropbear" }],
    ["network dhcp, ssh openssh", { ...base.roles, network: "dhcp", ssh: "openssh" }],
    ["kernel cloud", { ...base.roles, kernel: "cloud" }],
  ];
  const built = new Map<string, string>();
  for (const [label, roles] of choices) {
    const r = await buildIso({ selection: { ...base, roles }, store, workDir: join(root, "work"), bootTest: false });
    built.set(label, r.isoPath);
    rows.push([`ISO size GRUB, ${label}`, mb(r.isoSizeBytes)]);
  }
  for (const ssh of ["dropbear", "openssh"] as const) {
    const selection = { ...base, roles: { ...base.roles, network: "dhcp", ssh } };
    for (const firmware of ["bios", "uefi"] as const) {
      const t = await bootTest({ isoPath: built.get(`network dhcp, ssh ${ssh}`)!, firmware, bootloader: "grub", selection });
      const at = (name: string) => t.checks?.find((c) => c.name === name && c.passed)?.seconds;
      if (ssh === "dropbear")
        rows.push([`power-on to prompt on screen ${firmware} (GRUB)`, at("screen") === undefined ? `FAILED: ${t.problem}` : `${at("screen")!.toFixed(1)} s`]);
      rows.push([`power-on to SSH login ${firmware} (GRUB, ${ssh})`, at("ssh") === undefined ? `FAILED: ${t.problem}` : `${at("ssh")!.toFixed(1)} s`]);
    }
  }
  rows.push(["ISO size GRUB hybrid / ISOLINUX", `${mb(cold.isoSizeBytes)} / ${mb(isolinux.isoSizeBytes)}`]);
  rows.push(["nix", cold.nixVersion]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
