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

/** What a build host reports when an ISO is built (v1). The control plane stores it beside the artifact. */
export const buildResultSchema = z.strictObject({
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
export type BuildResult = z.infer<typeof buildResultSchema>;

/** The firmwares an ISO must pass a boot test on before it is published: BIOS always, UEFI too when GRUB boots it. */
export function requiredBootFirmwares(selection: { roles: Record<string, string | undefined> }): BootTest["firmware"][] {
  return selection.roles.bootloader === "grub" ? ["bios", "uefi"] : ["bios"];
}
