import { z } from "zod";
import { sizePartKinds, type BuildSizes, type SizePart } from "./build-result";

/**
 * What changed in size between two builds, part by part (a part is its kind and name), as `nix store diff-closures`
 * tells it for closures: added, removed, version changed, or only its size; the largest change first. The app
 * computes it (lib/builds/sizes.ts); the build page and `zxcv diff` print it with `describeSizeChange`.
 */

/** How one part differs between two builds: a line per part. */
export const sizeChangeSchema = z.object({
  kind: z.enum(sizePartKinds),
  name: z.string(),
  change: z.enum(["added", "removed", "version", "size"]),
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  fromBytes: z.int(),
  toBytes: z.int(),
  deltaBytes: z.int(),
  /** The part's .debs whose pinned version changed, was added or dropped (null: not in that build). */
  debs: z.array(z.object({ name: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
});
export type SizeChange = z.infer<typeof sizeChangeSchema>;

export const sizeDiffSchema = z.object({
  compressedDeltaBytes: z.int(),
  uncompressedDeltaBytes: z.int(),
  /** Largest change first; parts equal in both builds are left out. */
  changes: z.array(sizeChangeSchema),
});
export type SizeDiff = z.infer<typeof sizeDiffSchema>;

/** Compares two size records part by part (a part is its kind and name). */
export function diffSizes(from: BuildSizes, to: BuildSizes): SizeDiff {
  const key = (p: SizePart) => `${p.kind}\u0000${p.name}`;
  const before = new Map(from.parts.map((p) => [key(p), p]));
  const after = new Map(to.parts.map((p) => [key(p), p]));
  const changes: SizeChange[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(k);
    const b = after.get(k);
    const part = (b ?? a)!;
    const debs = debChanges(a?.debs ?? [], b?.debs ?? []);
    const change = !a ? "added" : !b ? "removed" : a.version !== b.version || debs.length > 0 ? "version" : a.bytes !== b.bytes ? "size" : null;
    if (!change) continue;
    changes.push({
      kind: part.kind,
      name: part.name,
      change,
      fromVersion: a?.version ?? null,
      toVersion: b?.version ?? null,
      fromBytes: a?.bytes ?? 0,
      toBytes: b?.bytes ?? 0,
      deltaBytes: (b?.bytes ?? 0) - (a?.bytes ?? 0),
      debs: change === "version" ? debs : [],
    });
  }
  changes.sort((x, y) => Math.abs(y.deltaBytes) - Math.abs(x.deltaBytes) || x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name));
  return {
    compressedDeltaBytes: to.compressedBytes - from.compressedBytes,
    uncompressedDeltaBytes: to.uncompressedBytes - from.uncompressedBytes,
    changes,
  };
}

function debChanges(from: SizePart["debs"], to: SizePart["debs"]): SizeChange["debs"] {
  const a = new Map(from.map((d) => [d.name, d.version]));
  const b = new Map(to.map((d) => [d.name, d.version]));
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((name) => a.get(name) !== b.get(name))
    .sort()
    .map((name) => ({ name, from: a.get(name) ?? null, to: b.get(name) ?? null }));
}

/** A signed size for a delta: "+1.2 MiB", "-80.0 KiB", "±0 B". */
export function formatSignedBytes(bytes: number): string {
  const sign = bytes > 0 ? "+" : bytes < 0 ? "-" : "±";
  return `${sign}${formatSize(Math.abs(bytes))}`;
}

/** Binary units, one decimal: "18.0 MiB", "79.7 KiB", "412 B". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** One line per change: "package nano: ∅ → 7.2-1+deb12u1, +1.1 MiB" (∅: not in that build). */
export function describeSizeChange(change: SizeChange): string {
  const version = (v: string | null, present: boolean) => (present ? (v ?? "(no version)") : "∅");
  const versions =
    change.change === "size"
      ? (change.toVersion ?? "")
      : `${version(change.fromVersion, change.change !== "added")} → ${version(change.toVersion, change.change !== "removed")}`;
  const debs = change.debs.filter((d) => d.name !== change.name).map((d) => `${d.name} ${d.from ?? "∅"} → ${d.to ?? "∅"}`);
  return `${change.kind} ${change.name}: ${versions}${versions ? ", " : ""}${formatSignedBytes(change.deltaBytes)}${debs.length ? ` (${debs.join("; ")})` : ""}`;
}
