import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestDriveFirmware } from "@/contracts/testdrive";
import { uefiArgs } from "../engine/boot-test";
import { childEnv, recordProcess } from "../engine/nix";

/** The QEMU of one test-drive: its serial console as a byte pipe, and a way to end it. */
export type TestDriveQemu = {
  pid: number;
  write: (bytes: Buffer) => void;
  /** Ends QEMU (SIGKILL to its process group: a throw-away VM has nothing to save). Idempotent. */
  kill: () => void;
  /** Resolves when QEMU is gone, with how it ended. */
  exited: Promise<string>;
};

/** Where QEMU listens for QMP (screendumps of the screen) in a session's folder. */
export function qmpSocketOf(dir: string): string {
  return join(dir, "qmp.sock");
}

/**
 * QEMU's command line for a test-drive: 512 MB, TCG, the ISO read-only with every write going to a throw-away
 * copy-on-write file (`-snapshot`), QEMU's user network with no way out (`restrict=on`: the guest reaches only
 * QEMU's own DHCP and DNS, nothing beyond), no monitor, the serial console on stdio, QMP for screendumps.
 */
export function testDriveQemuArgs({
  name,
  isoPath,
  firmware,
  memoryMb,
  dir,
}: {
  name: string;
  isoPath: string;
  firmware: TestDriveFirmware;
  memoryMb: number;
  dir: string;
}) {
  return [
    "-name",
    name,
    "-m",
    String(memoryMb),
    "-accel",
    "tcg",
    "-no-reboot",
    "-display",
    "none",
    "-monitor",
    "none",
    "-qmp",
    `unix:${qmpSocketOf(dir)},server=on,wait=off`,
    "-chardev",
    "stdio,id=console,signal=off",
    "-serial",
    "chardev:console",
    "-nic",
    "user,restrict=on",
    "-snapshot",
    "-boot",
    "order=d",
    "-cdrom",
    isoPath,
    ...(firmware === "uefi" ? uefiArgs(dir) : []),
  ];
}

/**
 * Starts QEMU under `setpriv --pdeathsig KILL` in its own process group, recorded in `<dir>/processes` for
 * killLeftovers: a worker that dies takes its test-drives with it, and one restarted after a crash ends any left.
 */
export function startTestDriveQemu(options: {
  name: string;
  isoPath: string;
  firmware: TestDriveFirmware;
  memoryMb: number;
  dir: string;
  onOutput: (bytes: Buffer) => void;
}): TestDriveQemu {
  const args = testDriveQemuArgs(options);
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", "qemu-system-x86_64", ...args], {
    env: childEnv(),
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const record = child.pid ? recordProcess(join(options.dir, "processes"), child.pid, "qemu-system-x86_64") : undefined;
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => options.onOutput(chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-500)));
  child.stdin.on("error", () => undefined);
  const exited = new Promise<string>((resolve) => {
    child.on("error", (error) => resolve(`QEMU could not start: ${error.message}`));
    child.on("close", (code, signal) => {
      if (record) rmSync(record, { force: true });
      resolve(signal ? `QEMU was stopped (${signal})` : `QEMU exited (code ${code})${stderr.trim() ? `: ${stderr.trim().split("\n").pop()}` : ""}`);
    });
  });
  let isKilled = false;
  return {
    pid: child.pid ?? 0,
    write: (bytes) => {
      if (!isKilled) child.stdin.write(bytes);
    },
    kill: () => {
      if (isKilled || !child.pid) return;
      isKilled = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    },
    exited,
  };
}
