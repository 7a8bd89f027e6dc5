// npm run measure:mini — writes the sizes the configurator's size bar shows into nix/channels/mini/catalog.json,
// measured from real builds on this machine (no boot test), not guessed:
//   - kernel: the vmlinuz plus its modules, gzip-compressed as in the initramfs (the kernel and modules derivations);
//   - every other role's alternative and every optional package: how much larger the ISO gets with it than with
//     the role's smallest alternative (or without the package), everything else the catalog default;
//   - baseSizeBytes: the default ISO minus the sizes of its default choices, so the bar adds up to the real ISO.
// Run it after npm run pin:mini or after changing the channel's expression; it builds into the host's store.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogSchema } from "../contracts/catalog";
import { defaultSelection, type Selection } from "../contracts/selection";
import { buildIso } from "../worker/engine/build-iso";
import { channelDir, loadCatalog, repoRoot } from "../worker/engine/channels";
import { nixEnv } from "../worker/engine/nix";

const workDir = join(repoRoot, ".state", "measure");
const catalog = loadCatalog("mini");
const base = defaultSelection(catalog);
const isoSizes = new Map<string, number>();

async function isoSize(selection: Selection): Promise<number> {
  const key = JSON.stringify(selection);
  if (!isoSizes.has(key)) {
    const result = await buildIso({ selection, workDir, bootTest: false });
    isoSizes.set(key, result.isoSizeBytes);
    console.log(`${result.isoSizeBytes.toString().padStart(10)}  ${Object.values(selection.roles).join(" ")} ${selection.packages.join(" ")}`);
  }
  return isoSizes.get(key)!;
}

/** vmlinuz + gzip'd modules of one kernel alternative, from the channel's own derivations. */
function kernelBytes(variant: string): number {
  const dir = channelDir("mini");
  const expr = `let dir = ${dir}; mini = import (dir + "/packages.nix") { lock = builtins.fromJSON (builtins.readFile (dir + "/debs.lock.json")); components = builtins.fromJSON (builtins.readFile (dir + "/components.json")); archive = (builtins.fromJSON (builtins.readFile (dir + "/archive.json"))).packages; system = "x86_64-linux"; }; in [ (mini.kernel "${variant}") (mini.modules "${variant}") ]`;
  const [kernel, modules] = execFileSync("nix-build", ["--no-out-link", "-E", expr], { env: nixEnv(), encoding: "utf8" }).trim().split("\n");
  return statSync(join(kernel!, "vmlinuz")).size + Number(readFileSync(join(modules!, "gzip-bytes"), "utf8").trim());
}

async function main(): Promise<void> {
  const raw = JSON.parse(readFileSync(join(channelDir("mini"), "catalog.json"), "utf8")) as {
    baseSizeBytes: number;
    roles: { id: string; alternatives: { id: string; sizeBytes: number }[] }[];
    packages: { id: string; sizeBytes: number }[];
  };
  for (const role of raw.roles) {
    if (role.id === "kernel") {
      for (const alt of role.alternatives) alt.sizeBytes = kernelBytes(alt.id);
      continue;
    }
    const sizes = new Map<string, number>();
    for (const alt of role.alternatives) {
      const selection = { ...base, roles: { ...base.roles, [role.id]: alt.id } };
      // An alternative that needs another one (SSH needs DHCP) is measured with it, against that one's own size.
      const needs = catalog.roles.find((r) => r.id === role.id)!.alternatives.find((a) => a.id === alt.id)!.requires;
      for (const ref of needs) if ("role" in ref) selection.roles[ref.role] = ref.alternative;
      sizes.set(alt.id, (await isoSize(selection)) - (await isoSize({ ...selection, roles: { ...selection.roles, [role.id]: base.roles[role.id]! } })));
    }
    const smallest = Math.min(...sizes.values());
    for (const alt of role.alternatives) alt.sizeBytes = Math.max(0, sizes.get(alt.id)! - smallest);
  }
  const defaultIso = await isoSize(base);
  for (const pkg of raw.packages) {
    const requires = catalog.packages.find((p) => p.id === pkg.id)!.requires;
    const selection = { ...base, roles: { ...base.roles } };
    for (const ref of requires) if ("role" in ref) selection.roles[ref.role] = ref.alternative;
    pkg.sizeBytes = Math.max(0, (await isoSize({ ...selection, packages: [pkg.id] })) - (await isoSize(selection)));
  }
  const chosen = raw.roles.reduce((sum, role) => sum + role.alternatives.find((a) => a.id === base.roles[role.id])!.sizeBytes, 0);
  raw.baseSizeBytes = defaultIso - chosen;
  catalogSchema.parse(raw);
  writeFileSync(join(channelDir("mini"), "catalog.json"), `${JSON.stringify(raw, null, 2)}\n`);
  console.log(`default ISO ${defaultIso} bytes; base ${raw.baseSizeBytes}; catalog sizes written`);
}

main().catch((err: unknown) => {
  console.error(`measure:mini failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
