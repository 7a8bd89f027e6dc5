import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BootCheck, BootTest } from "../../contracts/build-result";
import type { Selection } from "../../contracts/selection";
import { checkCustomizations, customizationChecksFor } from "./boot-checks/customizations";
import { childEnv, runStreaming } from "./nix";
import { Qmp, type KeyOf } from "./qmp";
import { runtimeReport } from "./runtime-check";
import { parsePpm, promptLine, readPsf, readScreen } from "./screen";

/**
 * Boots an ISO in QEMU (TCG: KVM hangs on these hosts) with a screen (std VGA), a USB keyboard on an xHCI controller
 * and the serial console on stdio, picks the self-test entry of the boot menu, and checks what a person would notice:
 *   marker    the ZXCV-MARKER line names exactly the selection (kernel, shell, bootloader, compression, packages,
 *             network and SSH roles);
 *   screen    a screendump shows the shell prompt (read cell by cell with the console font the system loads);
 *   keyboard  keys typed on the emulated USB keyboard (QMP input-send-event) run a command on tty1 whose output
 *             reaches the serial port (generic kernel only: the cloud kernel has no USB);
 *   network   with `dhcp`, a lease from QEMU's user network (address, default route, DNS);
 *   ssh       with an SSH server, a key login through a port forwarded on 127.0.0.1 with Debian's OpenSSH client,
 *             and a wrong key refused. The throw-away key reaches the guest through QEMU's firmware config, so no
 *             key is ever in the ISO.
 * QEMU gets no network unless a check needs one. `panic=-1` plus `-no-reboot` ends QEMU at once on a failed boot.
 */
const OVMF_CODE = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"];
const OVMF_VARS = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"];

export type Firmware = "bios" | "uefi";

export type ParsedMarker = {
  kernel: string;
  shell: string;
  bootloader: string;
  compression: string;
  packages: string[];
  network?: string;
  ssh?: string;
  modules?: number;
};

export function parseMarker(line: string): ParsedMarker | undefined {
  const m = /ZXCV-MARKER kernel=(\S+) shell=(\S+) bootloader=(\S+) compression=(\S+) packages=(\S*)(?: network=(\S+) ssh=(\S+) modules=(\d+))?/.exec(line);
  if (!m) return undefined;
  return {
    kernel: m[1]!,
    shell: m[2]!,
    bootloader: m[3]!,
    compression: m[4]!,
    packages: m[5] ? m[5].split(",") : [],
    ...(m[6] ? { network: m[6], ssh: m[7]!, modules: Number(m[8]) } : {}),
  };
}

/** Names what in the marker differs from the selection; empty when the booted system is exactly what was chosen. */
export function markerMismatches(marker: ParsedMarker, selection: Selection): string[] {
  const wrong: string[] = [];
  const kernelIsCloud = marker.kernel.endsWith("-cloud-amd64");
  if ((selection.roles.kernel === "cloud") !== kernelIsCloud) wrong.push(`kernel ${marker.kernel} is not the ${selection.roles.kernel} kernel`);
  if (!marker.shell.startsWith(`${selection.roles.shell}-`) || marker.shell.endsWith("-BROKEN"))
    wrong.push(`shell ${marker.shell}, wanted ${selection.roles.shell}`);
  if (marker.bootloader !== selection.roles.bootloader) wrong.push(`bootloader ${marker.bootloader}, wanted ${selection.roles.bootloader}`);
  if (marker.compression !== selection.roles.compression) wrong.push(`compression ${marker.compression}, wanted ${selection.roles.compression}`);
  if (marker.network !== selection.roles.network) wrong.push(`network ${marker.network ?? "(not reported)"}, wanted ${selection.roles.network}`);
  const ssh = selection.roles.ssh;
  if (ssh === "none" ? marker.ssh !== "none" : !marker.ssh?.startsWith(`${ssh}-`) || marker.ssh.endsWith("-BROKEN"))
    wrong.push(`ssh ${marker.ssh ?? "(not reported)"}, wanted ${ssh}`);
  if (!marker.modules) wrong.push("no kernel module was loaded");
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

/** The checks a boot of this selection runs, in order. */
export function checksFor(selection: Selection): BootCheck["name"][] {
  return [
    "marker",
    "screen",
    ...(selection.roles.network === "dhcp" ? ["network" as const] : []),
    ...(selection.roles.ssh && selection.roles.ssh !== "none" ? ["ssh" as const, ...customizationChecksFor(selection)] : []),
    ...(selection.roles.kernel === "cloud" ? [] : ["keyboard" as const]),
  ];
}

function firstExisting(paths: string[]): string {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`UEFI boot test needs OVMF (${paths[0]}): apt-get install ovmf`);
  return found;
}

/** QEMU's UEFI firmware (OVMF) with a throw-away copy of its variable store in `dir`. */
export function uefiArgs(dir: string): string[] {
  const vars = join(dir, "vars.fd");
  copyFileSync(firstExisting(OVMF_VARS), vars);
  return ["-drive", `if=pflash,format=raw,readonly=on,file=${firstExisting(OVMF_CODE)}`, "-drive", `if=pflash,format=raw,file=${vars}`];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: childEnv(), timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

class Stopped extends Error {}

export type BootTestOptions = {
  isoPath: string;
  firmware: Firmware;
  bootloader: string;
  selection: Selection;
  timeoutMs?: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  /** Where QEMU's pid is recorded while it runs (see killLeftovers). */
  processDir?: string;
  /** Keep the last screendump (PPM) here: the screenshot command uses it. */
  screenshot?: string;
};

export async function bootTest(options: BootTestOptions): Promise<BootTest> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 180_000);
  const wanted = checksFor(options.selection);
  const needsNet = wanted.includes("network") || wanted.includes("ssh");
  const temp = mkdtempSync(join(tmpdir(), "zxcv-boot-"));
  const qmpPath = join(temp, "qmp.sock");
  const args = [
    "-m",
    "512",
    "-accel",
    "tcg",
    "-no-reboot",
    "-display",
    "none",
    "-vga",
    "none",
    "-device",
    "VGA,id=video0",
    "-serial",
    "stdio",
    "-monitor",
    "none",
  ];
  args.push(
    "-qmp",
    `unix:${qmpPath},server=on,wait=off`,
    "-boot",
    "order=d",
    "-cdrom",
    options.isoPath,
    "-device",
    "qemu-xhci,id=xhci",
    "-device",
    "usb-kbd,bus=xhci.0,display=video0",
  );
  let sshPort = 0;
  if (needsNet) {
    sshPort = await freePort();
    // e1000 (the generic kernel's module proves a real NIC driver); the cloud kernel only has virtio.
    const model = options.selection.roles.kernel === "cloud" ? "virtio-net-pci" : "e1000";
    args.push("-nic", `user,model=${model}${wanted.includes("ssh") ? `,hostfwd=tcp:127.0.0.1:${sshPort}-:22` : ""}`);
  } else {
    args.push("-nic", "none");
  }
  if (wanted.includes("ssh")) {
    const key = join(temp, "id");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "zxcv-boot-test", "-f", key], 30_000);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "zxcv-wrong-key", "-f", join(temp, "wrong")], 30_000);
    args.push("-fw_cfg", `name=opt/zxcv/authorized_keys,file=${key}.pub`);
    // One key per user of the profile, so a check can tell whose key logged in (admin members' keys are root's too).
    const users = options.selection.customizations?.users ?? [];
    if (users.length > 0) {
      const lines: string[] = [];
      for (const user of users) {
        await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `zxcv-boot-test-${user.name}`, "-f", join(temp, `user-${user.name}`)], 30_000);
        lines.push(`${user.name} ${readFileSync(join(temp, `user-${user.name}.pub`), "utf8").trim()}\n`);
      }
      writeFileSync(join(temp, "user_keys"), lines.join(""));
      args.push("-fw_cfg", `name=opt/zxcv/user_keys,file=${join(temp, "user_keys")}`);
    }
  }
  if (options.firmware === "uefi") {
    args.push(...uefiArgs(temp));
  }

  // The self-test entry: GRUB's hotkey, or the label typed at ISOLINUX's boot: prompt.
  const [menu, keys] = options.bootloader === "isolinux" ? ["boot:", "selftest\r"] : ["self-test (press t)", "t"];
  let seen = "";
  let sent = false;
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let exited: string | undefined;
  let write: ((text: string) => void) | undefined;
  const qemu = runStreaming("qemu-system-x86_64", args, {
    env: childEnv(),
    signal: options.signal,
    timeoutMs: deadline - Date.now() + 10_000,
    processDir: options.processDir,
    onSpawn: (w) => (write = w),
    onChunk: (text) => {
      if (sent) return;
      seen = (seen + text).slice(-4096);
      if (seen.includes(menu)) {
        sent = true;
        write?.(keys);
      }
    },
    onLine: (line) => {
      const clean = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
      lines.push(clean);
      if (clean.trim()) options.onLog?.(`[qemu ${options.firmware}] ${clean.trimEnd()}`);
      for (const l of listeners) l();
    },
  })
    .then(
      (r) => {
        exited = `QEMU exited (code ${r.code})`;
      },
      (err: unknown) => {
        exited = err instanceof Error ? err.message : String(err);
      },
    )
    .finally(() => {
      for (const l of listeners) l();
    });

  /** The first serial line (from `from` on) that matches, or a Stopped error at the deadline or when QEMU ends. */
  const serialLine = (pattern: RegExp, until: number, from = 0): Promise<{ line: string; index: number }> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const index = lines.findIndex((l, i) => i >= from && pattern.test(l));
        if (index !== -1) done(() => resolve({ line: lines[index]!.slice(lines[index]!.search(pattern)), index }));
        else if (exited) done(() => reject(new Stopped(exited!)));
        else if (Date.now() > until) done(() => reject(new Stopped("timed out")));
      };
      const timer = setInterval(check, 250);
      const done = (f: () => void) => {
        clearInterval(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const checks: BootCheck[] = [];
  /** How characters are typed on the USB keyboard: US keys, or the profile's keymap once it is read back. */
  let keyOf: KeyOf | undefined;
  let marker: string | null = null;
  const record = (name: BootCheck["name"], passed: boolean, detail?: string, problem?: string) => {
    checks.push({ name, passed, seconds: Math.round((Date.now() - started) / 100) / 10, ...(detail ? { detail } : {}), ...(problem ? { problem } : {}) });
    options.onLog?.(`boot test ${options.firmware} ${name}: ${passed ? `passed${detail ? ` (${detail})` : ""}` : `FAILED: ${problem}`}`);
  };
  let qmp: Qmp | undefined;
  try {
    qmp = await Qmp.open(qmpPath, Math.min(deadline, Date.now() + 30_000), () => exited);
    // marker: proves the build is what was chosen; everything else runs in the system it starts.
    try {
      marker = (await serialLine(/ZXCV-MARKER /, deadline)).line.trim();
      const parsed = parseMarker(marker);
      const runtime = runtimeReport(lines, options.selection.packages);
      const problems = [...(parsed ? markerMismatches(parsed, options.selection) : ["unreadable marker line"]), ...runtime.problems];
      const detail = parsed ? [`${parsed.modules ?? 0} modules loaded`, runtime.detail].filter(Boolean).join("; ") : undefined;
      record("marker", problems.length === 0, detail, problems.join("; ") || undefined);
    } catch (err) {
      if (!(err instanceof Stopped)) throw err;
      record("marker", false, undefined, sent ? `the system printed no marker line (${err.message})` : `the boot menu never appeared (${err.message})`);
      throw err;
    }

    // screen: the prompt on the display, read from a screendump, not from the serial port.
    const font = readPsf(join(dirname(options.isoPath), "console-font.psf"));
    const shot = join(temp, "screen.ppm");
    const readDisplay = async (): Promise<string[]> => {
      await qmp!.execute("screendump", { filename: shot });
      const text = readScreen(parsePpm(readFileSync(shot)), font);
      if (options.screenshot) copyFileSync(shot, options.screenshot);
      return text;
    };
    let screen: string[] = [];
    const screenUntil = Math.min(deadline, Date.now() + 60_000);
    while (!promptLine(screen) && Date.now() < screenUntil && !exited) {
      await pause(1000);
      screen = await readDisplay();
    }
    const shown = screen.filter((l) => l.trim());
    if (promptLine(screen)) record("screen", true, `prompt "${promptLine(screen)}"`);
    else
      record(
        "screen",
        false,
        undefined,
        shown.length ? `the screen shows no shell prompt; it reads: ${shown.slice(-3).join(" / ")}` : "the screen stayed blank",
      );

    if (wanted.includes("network")) {
      try {
        const { line } = await serialLine(/ZXCV-NET bound /, Math.min(deadline, Date.now() + 60_000));
        const field = (name: string) => new RegExp(`${name}=(\\S*)`).exec(line)?.[1] ?? "";
        const [address, router, dns] = [field("address"), field("router"), field("dns")];
        const problems = [
          /^10\.0\.2\.\d+\/24$/.test(address) ? "" : `address ${address || "missing"}`,
          router === "10.0.2.2" ? "" : `default route ${router || "missing"}`,
          dns.split(",").includes("10.0.2.3") ? "" : `DNS ${dns || "missing"}`,
        ].filter(Boolean);
        record(
          "network",
          problems.length === 0,
          `${field("interface")} ${address} via ${router}, DNS ${dns}`,
          problems.length ? `the lease is wrong: ${problems.join(", ")}` : undefined,
        );
      } catch (err) {
        if (!(err instanceof Stopped)) throw err;
        record("network", false, undefined, `no DHCP lease from QEMU's user network (${err.message})`);
      }
    }

    if (wanted.includes("ssh")) {
      const knownHosts = join(temp, "known_hosts");
      const ssh = (key: string, user = "root", command = "echo ZXCV-SSH $(uname -r)") =>
        run(
          "ssh",
          [
            "-F",
            "/dev/null",
            "-i",
            join(temp, key),
            "-p",
            String(sshPort),
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            `UserKnownHostsFile=${knownHosts}`,
            "-o",
            "ConnectTimeout=10",
            `${user}@127.0.0.1`,
            command,
          ],
          30_000,
        );
      const until = Math.min(deadline, Date.now() + 90_000);
      let login = await ssh("id");
      while (!/ZXCV-SSH \S+/.test(login.out) && Date.now() < until && !exited) {
        await pause(2000);
        login = await ssh("id");
      }
      if (!/ZXCV-SSH \S+/.test(login.out)) {
        record("ssh", false, undefined, `no key login through 127.0.0.1:${sshPort}: ${login.out.trim().split("\n").pop() ?? "no answer"}`);
      } else {
        const wrong = await ssh("wrong");
        const fingerprint = (await run("ssh-keygen", ["-l", "-f", knownHosts], 10_000)).out.trim().split(/\s+/)[1] ?? "";
        if (wrong.code === 0) record("ssh", false, undefined, "a key the system was never given logged in too");
        else record("ssh", true, `key login ran a command; host key ${fingerprint}`);
        // customizations: each read back over SSH (worker/engine/boot-checks/customizations.ts).
        const readback = await checkCustomizations({
          selection: options.selection,
          shell: (user, command, keyOf = user) => ssh(keyOf === "root" ? "id" : `user-${keyOf}`, user, command),
          consoleLines: () => lines,
        });
        for (const o of readback.outcomes) record(o.name, o.passed, o.detail, o.problem);
        keyOf = readback.keyOf;
      }
    }
    // keyboard: a command typed on the USB keyboard runs on tty1 and writes to the serial port.
    if (wanted.includes("keyboard")) {
      const until = Math.min(deadline, Date.now() + 45_000);
      const from = lines.length;
      let got: string | undefined;
      while (!got && Date.now() < until && !exited) {
        // Keys typed before usbhid is bound are lost; each attempt starts a fresh line.
        await qmp.type("\necho zxcv-kbd $((6*7)) >/dev/console\n", "video0", 40, keyOf);
        got = await serialLine(/zxcv-kbd 42/, Math.min(until, Date.now() + 8000), from).then(
          (m) => m.line,
          () => undefined,
        );
      }
      if (options.screenshot) await readDisplay();
      if (got) record("keyboard", true, "typed a command on tty1; its output reached the serial port");
      else record("keyboard", false, undefined, "keys typed on the USB keyboard never ran the command on tty1");
    }
  } catch (err) {
    if (options.signal?.aborted) throw err;
    if (!(err instanceof Stopped)) checks.push({ name: "marker", passed: false, seconds: 0, problem: err instanceof Error ? err.message : String(err) });
  } finally {
    await qmp?.execute("quit").catch(() => {});
    qmp?.close();
    await qemu;
    rmSync(temp, { recursive: true, force: true });
  }
  if (options.signal?.aborted) throw new Error("cancelled");
  for (const name of wanted)
    if (!checks.some((c) => c.name === name))
      checks.push({
        name,
        passed: false,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        problem: `not reached (${exited ?? "an earlier check failed"})`,
      });
  const failed = checks.find((c) => !c.passed);
  return {
    firmware: options.firmware,
    passed: !failed,
    marker,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ...(failed ? { problem: `${failed.name}: ${failed.problem}` } : {}),
    checks,
  };
}
