// A stand-in for the engine, used ONLY to simulate faults the real engine cannot be made to show on demand:
// a slow build to kill -9 mid-way, a cancel, a corrupted upload. It writes a small file and reports it with a result
// shaped as the engine's (contracts/build-result.ts), boot tests included, so the app's checks apply to it.
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { BuildResult } from "@/contracts/build-result";
import { selectionHash } from "@/contracts/selection";
import { channelRevision } from "@/worker/engine/channels";
import type { RunBuild } from "@/worker/run-job";

export type FakeBuildOptions = { durationMs?: number; sizeBytes?: number; fault?: "corrupt-hash" | "fail" };

export function fakeBuild({ durationMs = 500, sizeBytes = 256 * 1024, fault }: FakeBuildOptions = {}): RunBuild {
  return async ({ selection, workDir, signal, onLog, onPhase }) => {
    onPhase({ phase: "evaluating" });
    onLog(`fake: evaluating ${JSON.stringify(selection.roles)}`);
    const steps = 10;
    for (let i = 1; i <= steps; i++) {
      await sleep(durationMs / steps, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw new Error("cancelled");
      onPhase({ phase: "realising", done: i, total: steps });
      onLog(`fake: built derivation ${i} of ${steps}`);
    }
    if (fault === "fail") {
      onLog("error: builder for '/nix/store/xxx-busybox.drv' failed with exit code 1");
      throw new Error("builder for '/nix/store/xxx-busybox.drv' failed with exit code 1");
    }
    onPhase({ phase: "boot-test" });
    onLog("fake: boot test passed (bios)");
    const bytes = randomBytes(sizeBytes);
    const isoPath = join(workDir, "fake.iso");
    await writeFile(isoPath, bytes);
    const sha256 = createHash("sha256")
      .update(fault === "corrupt-hash" ? Buffer.from("not the iso") : bytes)
      .digest("hex");
    const firmwares = selection.roles.bootloader === "grub" ? (["bios", "uefi"] as const) : (["bios"] as const);
    const result: BuildResult = {
      version: 1,
      channel: selection.channel,
      channelRevision: channelRevision("mini"),
      arch: "x86_64",
      selectionHash: selectionHash(selection),
      drvPath: "/nix/store/fake-zxcv-mini.iso.drv",
      outPath: "/nix/store/fake-zxcv-mini.iso",
      isoPath,
      isoSizeBytes: sizeBytes,
      sha256,
      closureBytes: sizeBytes,
      inputClosureBytes: sizeBytes,
      nixVersion: "fake",
      host: "fake",
      builtDerivations: steps,
      builtDerivationNames: [],
      bootTests: firmwares.map((firmware) => ({ firmware, passed: true, marker: `ZXCV-MARKER fake ${firmware}`, seconds: 0 })),
      durations: { preparing: 0, evaluating: 0, realising: 0, "boot-test": 0, hashing: 0 },
    };
    return result;
  };
}
