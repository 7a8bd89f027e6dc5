/**
 * Where an ISO's size goes, measured on the build host from the derivation outputs that make it (docs/sizes.md).
 *
 * The ISO's derivation references the bootloader, the kernel and the initramfs; the initramfs references every root
 * file system fragment (`rootfs-*`) and the kernel's modules. Each of those is one part: its bytes are the files it
 * stages into the image, its .debs are the pinned .debs its derivation unpacks, with versions from the lock. A file
 * two fragments both bring (a shared library) counts once, for the part that comes first in PART_ORDER.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { BuildSizes, SizePart, SizePartKind } from "../../contracts/build-result";
import type { Archive } from "../../contracts/catalog";
import type { Components, DebPin, DebsLock } from "./channels";
import { drvName } from "./build-iso";
import { runOrThrow } from "./nix";

/** Staging order for shared files, then the order parts are listed in. */
const PART_ORDER: SizePartKind[] = ["base", "modules", "shell", "ssh", "package", "customizations", "kernel", "bootloader"];
/** What the initramfs deletes from the modules output after staging it (packages.nix). */
const NOT_STAGED = new Set(["modules.list", "modules.missing", "gzip-bytes"]);

type PartDrv = { kind: SizePartKind; name: string; drv: string; /** the folder of the output that is staged */ within?: string; file?: string };

export type MeasureOptions = {
  store: string[];
  /** Where store paths are on disk ("" for /nix/store; the chroot store's directory otherwise). */
  storeRoot: string;
  drvPath: string;
  isoBytes: number;
  lock: DebsLock;
  components: Components;
  /** The generated catalog: each chosen package's version and dependencies. */
  archive: Archive;
  /** The selection's packages: each is one part, holding the dependencies it pulls in that no earlier one did. */
  packages: string[];
  signal?: AbortSignal;
};

export async function measureSizes(options: MeasureOptions): Promise<BuildSizes> {
  const references = (drv: string) => queryLines(options, ["--query", "--references", drv]);
  const isoInputs = (await references(options.drvPath)).filter((p) => p.endsWith(".drv"));
  const initramfs = isoInputs.find((d) => drvName(d).startsWith("initramfs-"));
  if (!initramfs) throw new Error(`${options.drvPath} has no initramfs input: is it an ISO of the mini channel?`);
  const parts: PartDrv[] = [];
  // The ISO reads a file or two of the base and the modules too: each derivation is one part, once.
  for (const drv of new Set([...isoInputs, ...(await references(initramfs))].filter((p) => p.endsWith(".drv")))) {
    const part = partOf(drv);
    if (part) parts.push(part);
  }
  parts.sort((a, b) => PART_ORDER.indexOf(a.kind) - PART_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const outputs = await queryLines(options, ["--query", "--outputs", ...parts.map((p) => p.drv)]);
  const pins = new Map(options.lock.debs.map((d) => [d.storeName, d]));
  const ownerOf = packageOwners(options.packages, options.archive);
  const staged = new Set<string>();
  const measured: SizePart[] = [];
  const packageParts = new Map<string, SizePart>();
  for (const [i, part] of parts.entries()) {
    const dir = join(options.storeRoot, outputs[i]!);
    const { bytes, files } = part.file
      ? { bytes: lstatSync(join(dir, part.file)).size, files: 1 }
      : countFiles(join(dir, part.within ?? ""), part.kind === "modules" ? NOT_STAGED : new Set(), staged);
    if (part.kind === "package") {
      // One fragment per package of the closure (packages.nix): added to the part of the chosen package that pulls it in.
      const owner = ownerOf.get(part.name);
      if (!owner) throw new Error(`${drvName(part.drv)} is in the image, but no chosen package pulls ${part.name} in`);
      const entry = packageParts.get(owner) ?? {
        kind: "package",
        name: owner,
        version: options.archive.packages[owner]!.version,
        bytes: 0,
        files: 0,
        debs: [],
      };
      if (!packageParts.has(owner)) measured.push(entry);
      packageParts.set(owner, entry);
      entry.bytes += bytes;
      entry.files += files;
      entry.debs.push({ name: part.name, version: options.archive.packages[part.name]!.version });
      entry.debs.sort((a, b) => a.name.localeCompare(b.name));
      continue;
    }
    const debs = await debsOf(part.drv, pins, references);
    measured.push({
      kind: part.kind,
      name: part.name,
      version: mainVersion(part, options.lock, options.components),
      bytes,
      files,
      debs: debs.map((d) => ({ name: d.package, version: d.version })).sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return { compressedBytes: options.isoBytes, uncompressedBytes: measured.reduce((sum, p) => sum + p.bytes, 0), parts: measured };
}

/**
 * Which chosen package each package of the closure is counted for: the first chosen one (in name order) that pulls it
 * in, so a shared dependency counts once, as the configurator's size bar does.
 */
function packageOwners(chosen: string[], archive: Archive): Map<string, string> {
  // A chosen package is always its own part, even when another chosen one depends on it.
  const owners = new Map(chosen.map((id) => [id, id]));
  for (const id of [...chosen].sort()) {
    const pending = [...(archive.packages[id]?.depends ?? [])];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (owners.has(next)) continue;
      owners.set(next, id);
      pending.push(...(archive.packages[next]?.depends ?? []));
    }
  }
  return owners;
}

/** The part a derivation of the ISO is, from its name (packages.nix names one derivation per component). */
function partOf(drv: string): PartDrv | undefined {
  const name = drvName(drv);
  let m: RegExpExecArray | null;
  if (name === "rootfs-glibc" || name === "rootfs-base") return { kind: "base", name: name.slice(7), drv };
  if (name === "rootfs-customizations") return { kind: "customizations", name: "customizations", drv };
  if ((m = /^rootfs-(shell|ssh)-(.+)$/.exec(name))) return { kind: m[1] as "shell" | "ssh", name: m[2]!, drv };
  // package-<Debian file name>: the package name is what comes before the first "_" (Debian names have none).
  if ((m = /^package-([a-z0-9][a-z0-9+.-]*)_/.exec(name))) return { kind: "package", name: m[1]!, drv };
  if ((m = /^kernel-modules-([a-z0-9]+)-/.exec(name))) return { kind: "modules", name: m[1]!, drv };
  if ((m = /^kernel-([a-z0-9]+)-/.exec(name))) return { kind: "kernel", name: m[1]!, drv, file: "vmlinuz" };
  if ((m = /^bootloader-(.+)$/.exec(name))) return { kind: "bootloader", name: m[1]!, drv, within: "tree" };
  return undefined;
}

/** Regular files and symlinks under `dir` not yet staged by an earlier part (their paths relative to the image root). */
function countFiles(dir: string, skipTop: Set<string>, staged: Set<string>): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const visit = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && skipTop.has(entry.name)) continue;
      if (entry.isDirectory()) visit(join(abs, entry.name), path);
      else if (!staged.has(path)) {
        staged.add(path);
        bytes += lstatSync(join(abs, entry.name)).size;
        files += 1;
      }
    }
  };
  visit(dir, "");
  return { bytes, files };
}

/** The pinned .debs a part's derivation takes in: directly (the kernel), unpacked, or through a nested fragment. */
async function debsOf(drv: string, pins: Map<string, DebPin>, references: (drv: string) => Promise<string[]>): Promise<DebPin[]> {
  const found = new Map<string, DebPin>();
  for (const input of (await references(drv)).filter((p) => p.endsWith(".drv"))) {
    const name = drvName(input);
    const pin = pins.get(name.replace(/^unpacked-/, ""));
    if (pin) found.set(pin.name, pin);
    else if (name.startsWith("rootfs-")) for (const nested of await debsOf(input, pins, references)) found.set(nested.name, nested);
  }
  return [...found.values()];
}

/**
 * The version a person knows the part by: of the .deb components.json names first for it (`versionOf` for roles;
 * the base's busybox is the bootstrap tool, taken out of its pinned .deb before any build).
 */
function mainVersion(part: PartDrv, lock: DebsLock, components: Components): string | null {
  const role = { shell: "shell", ssh: "ssh", kernel: "kernel", modules: "kernel", bootloader: "bootloader" }[part.kind as string];
  const alternative = role ? components.roles[role]?.[part.name] : undefined;
  const main = part.kind === "base" ? (part.name === "glibc" ? components.glibc : components.bootstrap) : (alternative?.versionOf ?? alternative?.debs[0]);
  return lock.debs.find((d) => d.name === main)?.version ?? null;
}

async function queryLines(options: MeasureOptions, args: string[]): Promise<string[]> {
  return (await runOrThrow("nix-store", [...options.store, ...args], { signal: options.signal })).split("\n").filter(Boolean);
}
