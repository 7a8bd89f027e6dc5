import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { archiveSchema, catalogPackageFromArchive, catalogSchema, packagesById, type Archive, type Catalog } from "../../contracts/catalog";
import { readChannelRevision } from "./channel-revision";

/** The repository root, found from this file so the engine works from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const channelIds = ["mini", "nixos"] as const;
export type ChannelId = (typeof channelIds)[number];

export function channelDir(channel: ChannelId): string {
  return join(repoRoot, "nix", "channels", channel);
}

export function isChannelId(value: string): value is ChannelId {
  return (channelIds as readonly string[]).includes(value);
}

const catalogCache = new Map<ChannelId, { mtimeMs: number; archive: Archive | undefined; catalog: Catalog }>();

/**
 * A channel's catalog, validated: the UI, the validation and the Nix expression all read this one file. Read again
 * only when catalog.json or the archive changed: building the mini catalog's 54,000 packages blocks the process for
 * ~80 ms, and a host checks each build's selection against it before the build's first log line has gone out.
 * Shared between callers: never change it.
 */
export function loadCatalog(channel: ChannelId): Catalog {
  const file = join(channelDir(channel), "catalog.json");
  const { mtimeMs } = statSync(file);
  // readArchive answers the same object until archive.json changes.
  const archive = channel === "mini" ? readArchive() : undefined;
  const cached = catalogCache.get(channel);
  if (cached?.mtimeMs === mtimeMs && cached.archive === archive) return cached.catalog;
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`nix/channels/${channel}/catalog.json is invalid: ${parsed.error.message}`);
  if (parsed.data.channel !== channel) throw new Error(`nix/channels/${channel}/catalog.json says channel "${parsed.data.channel}"`);
  const catalog = archive ? withArchive(parsed.data, archive) : parsed.data;
  // Indexed with it: every selection check looks its packages up.
  packagesById(catalog);
  catalogCache.set(channel, { mtimeMs, archive, catalog });
  return catalog;
}

/** The mini catalog with every generated package: catalog.json's featured packages keep their label and category. */
export function withArchive(catalog: Catalog, archive: Archive): Catalog {
  const featured = new Map(catalog.packages.map((p) => [p.id, p]));
  const unknown = [...featured.keys()].filter((id) => !(id in archive.packages));
  if (unknown.length > 0) throw new Error(`catalog.json features ${unknown.join(", ")}, which archive.json does not offer: run npm run pin:mini`);
  return { ...catalog, packages: Object.entries(archive.packages).map(([id, pkg]) => catalogPackageFromArchive(id, pkg, featured.get(id))) };
}

let archiveCache: { mtimeMs: number; archive: Archive } | undefined;

/** The generated archive (nix/channels/mini/archive.json), parsed once per change of the file. */
export function readArchive(): Archive {
  const file = join(channelDir("mini"), "archive.json");
  const mtimeMs = statSync(file).mtimeMs;
  if (archiveCache?.mtimeMs !== mtimeMs) archiveCache = { mtimeMs, archive: archiveSchema.parse(JSON.parse(readFileSync(file, "utf8"))) };
  return archiveCache.archive;
}

export const debPinSchema = z.strictObject({
  /** The name components.json uses (a metapackage such as linux-image-amd64 stays logical). */
  name: z.string(),
  /** The concrete Debian package that was pinned. */
  package: z.string(),
  version: z.string(),
  arch: z.string(),
  /** The apt suite whose source serves this file (e.g. bookworm, bookworm-security); the host comes from apt. */
  suite: z.string(),
  /** Archive-relative path, e.g. pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb. */
  path: z.string().regex(/^pool\/[^:]+\.deb$/),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  installedBytes: z.number().int().nonnegative(),
  /** File and store name: the Debian file name with characters Nix forbids (`~`, `:`) replaced. */
  storeName: z.string().regex(/^[A-Za-z0-9+._?=-]+$/),
});
export type DebPin = z.infer<typeof debPinSchema>;

/** Which Debian index was read: a suite's InRelease and its Packages file, by sha256. */
export const indexPinSchema = z.strictObject({
  suite: z.string(),
  inReleaseSha256: z.string().regex(/^[0-9a-f]{64}$/),
  packages: z.strictObject({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});

export const debsLockSchema = z.strictObject({
  /** The index every pin (here and in archive.json) was read from. */
  index: z.array(indexPinSchema),
  debs: z.array(debPinSchema),
  /** The static busybox taken out of its .deb before any build (the only bootstrap tool), by NAR hash. */
  bootstrap: z.strictObject({ name: z.string(), narHash: z.string() }),
  revision: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DebsLock = z.infer<typeof debsLockSchema>;

export function storeNameFor(pkg: string, version: string, arch: string): string {
  return `${pkg}_${version}_${arch}.deb`.replace(/[^A-Za-z0-9+._?=-]/g, "_");
}

/** The channel revision: sha256 of the lock's pinned content (everything but the revision itself). */
export function lockRevision(body: Omit<DebsLock, "revision">): string {
  return createHash("sha256")
    .update(JSON.stringify({ index: body.index, debs: body.debs, bootstrap: body.bootstrap }))
    .digest("hex");
}

export function readLock(): DebsLock {
  const file = join(channelDir("mini"), "debs.lock.json");
  const lock = debsLockSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  if (lockRevision(lock) !== lock.revision) {
    throw new Error(`${file} was edited by hand (its revision does not match its content): run npm run pin:mini`);
  }
  return lock;
}

const toolSchema = z.strictObject({ debs: z.array(z.string()), bins: z.array(z.string()) });
const altSchema = z.strictObject({ debs: z.array(z.string()), versionOf: z.string().optional(), path: z.string().optional(), probe: z.string().optional() });
export const componentsSchema = z.strictObject({
  _comment: z.string().optional(),
  bootstrap: z.string(),
  glibc: z.string(),
  base: z.array(z.string()),
  /** Kernel modules every image ships (names as modprobe knows them); their dependencies are resolved at build time. */
  modules: z.array(z.string()),
  /** The console font the system loads at boot (a PSF file in a pinned deb); the boot test reads the screen with it. */
  consoleFont: z.strictObject({ deb: z.string(), file: z.string() }),
  /** The static ldconfig that writes the image's loader cache when packages are chosen. */
  ldconfig: z.strictObject({ deb: z.string(), file: z.string() }),
  /** The pinned tzdata: the timezone customization copies one zone file from `dir` to /etc/localtime. */
  timezones: z.strictObject({ deb: z.string(), dir: z.string() }),
  /** The console keymaps (`dir/<layout>/<name>.kmap.gz`) the keymap customization compiles with the loadkeys tool. */
  keymaps: z.strictObject({ deb: z.string(), dir: z.string() }),
  tools: z.record(z.string(), toolSchema),
  roles: z.record(z.string(), z.record(z.string(), altSchema)),
  /** The hand-curated part of the generated catalog (scripts/pin-mini.ts reads it). */
  archive: z.strictObject({
    suites: z.array(z.string()).min(1),
    leaveOut: z.record(z.string(), z.string()),
    leaveOutSections: z.record(z.string(), z.string()),
    /** Files the base writes itself: a package shipping one is left out. */
    baseFiles: z.array(z.string()),
    /** Commands that prove a package runs (exit 0), where `<command> --version` is not the right probe. */
    probes: z.record(z.string(), z.string()),
  }),
});
export type Components = z.infer<typeof componentsSchema>;

export function readComponents(): Components {
  return componentsSchema.parse(JSON.parse(readFileSync(join(channelDir("mini"), "components.json"), "utf8")));
}

/** The revision a build records and a host checks a claimed build against: the one definition in contracts/. */
export function channelRevision(channel: ChannelId): string {
  return readChannelRevision(channelDir(channel));
}
