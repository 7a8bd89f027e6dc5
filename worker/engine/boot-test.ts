import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BootTest } from "../../contracts/build-result";
import type { Selection } from "../../contracts/selection";
import { runStreaming } from "./nix";

/**
 * Boots an ISO in QEMU (TCG: KVM hangs on these hosts) on its serial console, picks the self-test entry of the boot
 * menu, and reads the one ZXCV-MARKER line the system prints before it powers off. `panic=-1` plus `-no-reboot`
 * makes a failed boot end QEMU at once; the timeout covers a hang.
 */
const OVMF_CODE = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"];
const OVMF_VARS = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"];

export type Firmware = "bios" | "uefi";

export type ParsedMarker = { kernel: string; shell: string; bootloader: string; compression: string; packages: string[] };

export function parseMarker(line: string): ParsedMarker | undefined {
  const m = /ZXCV-MARKER kernel=(\S+) shell=(\S+) bootloader=(\S+) compression=(\S+) packages=(\S*)/.exec(line);
  if (!m) return undefined;
  return { kernel: m[1]!, shell: m[2]!, bootloader: m[3]!, compression: m[4]!, packages: m[5] ? m[5].split(",") : [] };
}

/** Names what in the marker differs from the selection; empty when the booted system is exactly what was chosen. */
export function markerMismatches(marker: ParsedMarker, selection: Selection): string[] {
  const wrong: string[] = [];
  const kernelIsCloud = marker.kernel.endsWith("-cloud-amd64");
  if ((selection.roles.kernel === "cloud") !== kernelIsCloud) wrong.push(`kernel ${marker.kernel} is not the ${selection.roles.kernel} kernel`);
  if (!marker.shell.startsWith(`${selection.roles.shell}-`) || marker.shell.endsWith("-BROKEN")) wrong.push(`shell ${marker.shell}, wanted ${selection.roles.shell}`);
  if (marker.bootloader !== selection.roles.bootloader) wrong.push(`bootloader ${marker.bootloader}, wanted ${selection.roles.bootloader}`);
  if (marker.compression !== selection.roles.compression) wrong.push(`compression ${marker.compression}, wanted ${selection.roles.compression}`);
  const want = [...selection.packages].sort();
  const seen: string[] = [];
  for (const entry of marker.packages) {
    const id = want.filter((w) => entry.startsWith(`${w}-`)).sort((a, b) => b.length - a.length)[0];
    if (!id) wrong.push(`package ${entry} was not selected`);
    else if (entry === `${id}-BROKEN`) wrong.push(`package ${id} does not run`);
    else seen.push(id);
  }
  for (const id of want) if (!seen.includes(id) && !marker.packages.includes(`${id}-BROKEN`)) wrong.push(`package ${id} is missing`);
  return wrong;
}

function firstExisting(paths: string[]): string {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`UEFI boot test needs OVMF (${paths[0]}): apt-get install ovmf`);
  return found;
}

export async function bootTest(options: {
  isoPath: string;
  firmware: Firmware;
  bootloader: string;
  selection: Selection;
  timeoutMs?: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}): Promise<BootTest> {
  const started = Date.now();
  const args = ["-m", "512", "-nographic", "-no-reboot", "-serial", "mon:stdio", "-accel", "tcg", "-cdrom", options.isoPath];
  let varsDir: string | undefined;
  if (options.firmware === "uefi") {
    varsDir = mkdtempSync(join(tmpdir(), "zxcv-ovmf-"));
    const vars = join(varsDir, "vars.fd");
    copyFileSync(firstExisting(OVMF_VARS), vars);
    args.push("-drive", `if=pflash,format=raw,readonly=on,file=${firstExisting(OVMF_CODE)}`, "-drive", `if=pflash,format=raw,file=${vars}`);
  }
  // The self-test entry: GRUB's hotkey, or the label typed at ISOLINUX's boot: prompt.
  const [prompt, keys] = options.bootloader === "isolinux" ? ["boot:", "selftest\r"] : ["self-test (press t)", "t"];
  let seen = "";
  let sent = false;
  let marker: string | null = null;
  let write: ((text: string) => void) | undefined;
  try {
    await runStreaming("qemu-system-x86_64", args, {
      env: process.env,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 120_000,
      onSpawn: (w) => (write = w),
      onChunk: (text) => {
        if (sent) return;
        seen = (seen + text).slice(-4096);
        if (seen.includes(prompt)) {
          sent = true;
          write?.(keys);
        }
      },
      onLine: (line) => {
        const clean = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
        const at = clean.indexOf("ZXCV-MARKER ");
        if (at !== -1) marker = clean.slice(at).trim();
        if (clean.trim()) options.onLog?.(`[qemu ${options.firmware}] ${clean.trimEnd()}`);
      },
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return result(options.firmware, false, marker, started, err instanceof Error ? err.message : String(err));
  } finally {
    if (varsDir) rmSync(varsDir, { recursive: true, force: true });
  }
  if (!marker) return result(options.firmware, false, null, started, sent ? "the system printed no marker line" : "the boot menu never appeared");
  const parsed = parseMarker(marker);
  const problems = parsed ? markerMismatches(parsed, options.selection) : ["unreadable marker line"];
  return result(options.firmware, problems.length === 0, marker, started, problems.join("; ") || undefined);
}

function result(firmware: Firmware, passed: boolean, marker: string | null, started: number, problem?: string): BootTest {
  return { firmware, passed, marker, seconds: Math.round((Date.now() - started) / 100) / 10, ...(problem ? { problem } : {}) };
}
