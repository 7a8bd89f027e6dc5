import { z } from "zod";

/** One check of a boot: what a person would notice (the prompt on screen, a USB keyboard, a DHCP lease, an SSH login). */
export const bootCheckNames = [
  "marker",
  "screen",
  "keyboard",
  "network",
  "ssh",
  "hostname",
  "timezone",
  "keymap",
  "users",
  "kernel-args",
  "files",
  "first-boot",
] as const;
export const bootCheckSchema = z.strictObject({
  name: z.enum(bootCheckNames),
  passed: z.boolean(),
  /** Seconds from power-on until the check passed or gave up. */
  seconds: z.number().nonnegative(),
  /** What was seen when it passed (the lease, the host key's fingerprint, the prompt line). */
  detail: z.string().optional(),
  /** Why it failed, when it did. */
  problem: z.string().optional(),
});
export type BootCheck = z.infer<typeof bootCheckSchema>;

/** One QEMU boot of a built ISO: the firmware, whether the marker line showed exactly the selection, and the line. */
export const bootTestSchema = z.strictObject({
  firmware: z.enum(["bios", "uefi"]),
  passed: z.boolean(),
  /** The ZXCV-MARKER line the booted system printed, or null when none came before the timeout. */
  marker: z.string().nullable(),
  seconds: z.number().nonnegative(),
  /** Why it failed, when it did: the first failed check's name and problem. */
  problem: z.string().optional(),
  /** Each check of this boot, in the order they ran (absent in results from engines before the live system). */
  checks: z.array(bootCheckSchema).optional(),
});
export type BootTest = z.infer<typeof bootTestSchema>;

/** The engine's own phases (a subset of the job phases in contracts/jobs.ts). */
export const enginePhaseSchema = z.enum(["preparing", "evaluating", "realising", "boot-test", "hashing"]);
export type EnginePhase = z.infer<typeof enginePhaseSchema>;

/** What the parts of an ISO are made of (worker/engine/sizes.ts measures them; docs/sizes.md). */
export const sizePartKinds = ["base", "kernel", "modules", "bootloader", "shell", "ssh", "package", "customizations"] as const;
export type SizePartKind = (typeof sizePartKinds)[number];
/** No real ISO comes near this (the mini channel's are 17-40 MiB): a bigger claim is a host's mistake or a lie. */
export const MAX_MEASURED_BYTES = 64 * 1024 ** 3;
const measuredBytes = z.number().int().nonnegative().max(MAX_MEASURED_BYTES);
const debianName = z.string().regex(/^[a-z0-9][a-z0-9+.-]{0,99}$/, "is not a Debian package name");
const debianVersion = z.string().regex(/^[A-Za-z0-9.+~:-]{1,100}$/, "is not a Debian version");

/** One part of an ISO: what it is, the pinned version of its main package, and the bytes it adds, as staged. */
export const sizePartSchema = z.strictObject({
  kind: z.enum(sizePartKinds),
  /** The choice or package id (`jq`, `grub`, `generic`), or `glibc`/`base` for the base. */
  name: z.string().regex(/^[a-z0-9][a-z0-9+._-]{0,99}$/, "is not a part name"),
  /** The pinned Debian version of the part's main package; null when it has none (the base's own files). */
  version: debianVersion.nullable(),
  /** Bytes of the files this part puts in the image (a file two parts share counts once, for the first). */
  bytes: measuredBytes,
  files: z.number().int().nonnegative().max(10_000_000),
  /** The pinned .debs the part was built from, by name, with their versions. */
  debs: z.array(z.strictObject({ name: debianName, version: debianVersion })).max(500),
});
export type SizePart = z.infer<typeof sizePartSchema>;

/** Where an ISO's size goes: its parts, and the total as shipped (the ISO) and as staged (the parts summed). */
export const buildSizesSchema = z.strictObject({
  /** The ISO's bytes: the initramfs is compressed, the kernel is compressed by itself. */
  compressedBytes: measuredBytes,
  /** The sum of the parts' bytes: what the image holds before compression. */
  uncompressedBytes: measuredBytes,
  // A selection has at most 500 packages (contracts/selection.ts), plus the base, kernel, modules, bootloader and roles.
  parts: z.array(sizePartSchema).min(1).max(1000),
});
export type BuildSizes = z.infer<typeof buildSizesSchema>;

/**
 * What a build host reports when an ISO is built. The control plane stores it beside the artifact. Version 1 has no
 * size record (hosts before it; still accepted, the build then shows no size breakdown); version 2 must have one.
 */
const buildResultV1Schema = z.strictObject({
  version: z.literal(1),
  channel: z.string(),
  /** The channel's revision (worker/engine/channel-revision.ts); equal revision + selection = equal ISO. */
  channelRevision: z.string(),
  /** The architecture the ISO was built for (the build host's own). */
  arch: z.enum(["x86_64", "aarch64"]),
  selectionHash: z.string(),
  drvPath: z.string(),
  outPath: z.string(),
  isoPath: z.string(),
  isoSizeBytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Bytes of the ISO derivation's runtime closure (nix-store -q --size summed over -qR). */
  closureBytes: z.number().int().nonnegative(),
  /** Bytes of every input needed to build it (closure of the .drv's outputs, debs and tools included). */
  inputClosureBytes: z.number().int().nonnegative(),
  nixVersion: z.string(),
  host: z.string(),
  /** Derivations actually built by this run: 0 when the same selection was already built on this store. */
  builtDerivations: z.number().int().nonnegative(),
  builtDerivationNames: z.array(z.string()),
  bootTests: z.array(bootTestSchema),
  /** Milliseconds per phase. */
  durations: z.record(enginePhaseSchema, z.number().nonnegative()),
});
const buildResultV2Schema = buildResultV1Schema.extend({ version: z.literal(2), sizes: buildSizesSchema });
/** The result versions this app reads: a host sending another is refused with the versions named. */
export const BUILD_RESULT_VERSIONS = [1, 2] as const;
export const buildResultSchema = z.discriminatedUnion("version", [buildResultV1Schema, buildResultV2Schema], {
  error: (issue) =>
    issue.code === "invalid_union" ? `this app reads result versions ${BUILD_RESULT_VERSIONS.join(" and ")}: update the build host or the app` : undefined,
});
export type BuildResult = z.infer<typeof buildResultSchema>;

/** The firmwares an ISO must pass a boot test on before it is published: BIOS always, UEFI too when GRUB boots it. */
export function requiredBootFirmwares(selection: { roles: Record<string, string | undefined> }): BootTest["firmware"][] {
  return selection.roles.bootloader === "grub" ? ["bios", "uefi"] : ["bios"];
}
