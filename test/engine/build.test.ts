// Slow engine test (npm run test:engine, ~6-9 min on 2 cores): real Nix, real QEMU, fresh separate stores.
// Debs come from the project cache (.state/debs), downloaded once from the apt-configured mirror.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { BuildResult } from "../../contracts/build-result";
import type { Selection } from "../../contracts/selection";
import { parseMarker } from "../../worker/engine/boot-test";
import { buildIso, killLeftovers } from "../../worker/engine/build-iso";
import { readLock } from "../../worker/engine/channels";
import { EngineError } from "../../worker/engine/errors";
import { downloadDeb, StalePinError } from "../../worker/engine/seed";
import { waitFor } from "../support/wait";

const root = mkdtempSync(join(tmpdir(), "zxcv-engine-test-"));
const storeA = join(root, "store-a");
const storeB = join(root, "store-b");
after(() => rmSync(root, { recursive: true, force: true }));

const mini = (roles: Record<string, string>, packages: string[] = []): Selection => ({ channel: "mini", roles, packages });
// One GRUB image with DHCP and OpenSSH booted on BIOS and UEFI (screen, USB keyboard, lease, key login on both),
// one ISOLINUX image with Dropbear (cloud kernel: no USB, virtio NIC), one with network and SSH off as before.
const grubBusyboxGzip = mini({ bootloader: "grub", shell: "busybox", kernel: "generic", compression: "gzip", network: "dhcp", ssh: "openssh" });
const isolinuxBashZstd = mini({ bootloader: "isolinux", shell: "bash", kernel: "cloud", compression: "zstd", network: "dhcp", ssh: "dropbear" }, [
  "nano",
  "less",
]);
const grubZshXz = mini({ bootloader: "grub", shell: "zsh", kernel: "generic", compression: "xz", network: "none", ssh: "none" }, [
  "htop",
  "jq",
  "tree",
  "strace",
  "e2fsprogs",
  "fdisk",
  "ncdu",
  "file",
  "efibootmgr",
]);

function build(selection: Selection, options: { store: string; bootTest: boolean }): Promise<BuildResult> {
  return buildIso({ selection, store: options.store, bootTest: options.bootTest, workDir: join(root, "work") });
}

/** The marker must name exactly the selection: kernel flavour, shell, bootloader, compression, every package. */
function assertMarkerShows(result: BuildResult, selection: Selection): void {
  assert.ok(result.bootTests.length > 0);
  for (const boot of result.bootTests) {
    assert.ok(boot.passed, `${boot.firmware} boot failed: ${boot.problem}`);
    const marker = parseMarker(boot.marker ?? "");
    assert.ok(marker, `no marker in ${boot.firmware} boot`);
    assert.match(marker.kernel, selection.roles.kernel === "cloud" ? /^6\.\d+\.\d+-\d+-cloud-amd64$/ : /^6\.\d+\.\d+-\d+-amd64$/);
    assert.match(marker.shell, new RegExp(`^${selection.roles.shell}-\\d`));
    assert.equal(marker.bootloader, selection.roles.bootloader);
    assert.equal(marker.compression, selection.roles.compression);
    const names = marker.packages.map((p) => selection.packages.find((id) => p.startsWith(`${id}-`) && /-\d/.test(p.slice(id.length))) ?? `unexpected:${p}`);
    assert.deepEqual(names.sort(), [...selection.packages].sort());
    assert.equal(marker.network, selection.roles.network);
    assert.match(marker.ssh ?? "", selection.roles.ssh === "none" ? /^none$/ : new RegExp(`^${selection.roles.ssh}-\\d`));
    assert.ok((marker.modules ?? 0) > 0, "modules were loaded by device");
  }
}

/** Every boot ran exactly these checks, and each passed (the screen showed the prompt, the keys ran, ...). */
function assertChecks(result: BuildResult, names: string[]): void {
  for (const boot of result.bootTests) {
    assert.deepEqual(
      boot.checks?.map((c) => c.name),
      names,
      `${boot.firmware} ran ${names.join(", ")}`,
    );
    for (const check of boot.checks ?? []) assert.ok(check.passed, `${boot.firmware} ${check.name}: ${check.problem}`);
  }
}

describe("mini channel build engine", { concurrency: false }, () => {
  const results = new Map<string, BuildResult>();

  test("GRUB + busybox + gzip + DHCP + OpenSSH: prompt on screen, USB keyboard, lease and key login on BIOS and UEFI", { timeout: 420_000 }, async () => {
    const result = await build(grubBusyboxGzip, { store: storeA, bootTest: true });
    assert.ok(result.builtDerivations > 20, `a fresh store builds everything (built ${result.builtDerivations})`);
    assert.deepEqual(
      result.bootTests.map((t) => t.firmware),
      ["bios", "uefi"],
    );
    assertMarkerShows(result, grubBusyboxGzip);
    assertChecks(result, ["marker", "screen", "network", "ssh", "keyboard"]);
    for (const boot of result.bootTests) {
      assert.match(boot.checks!.find((c) => c.name === "network")!.detail!, /^eth0 10\.0\.2\.\d+\/24 via 10\.0\.2\.2, DNS 10\.0\.2\.3$/);
    }
    // Two boots of one ISO: host keys are made at boot, never baked in.
    const [bios, uefi] = result.bootTests.map((t) => /host key (SHA256:\S+)/.exec(t.checks!.find((c) => c.name === "ssh")!.detail!)?.[1]);
    assert.ok(bios && uefi && bios !== uefi, `two boots of one ISO have different host keys (${bios}, ${uefi})`);
    results.set("a", result);
  });

  test("ISOLINUX + bash + zstd + DHCP + Dropbear (cloud kernel, nano, less): key login over SSH on BIOS", { timeout: 300_000 }, async () => {
    const result = await build(isolinuxBashZstd, { store: storeA, bootTest: true });
    assert.deepEqual(
      result.bootTests.map((t) => t.firmware),
      ["bios"],
    );
    assertMarkerShows(result, isolinuxBashZstd);
    assertChecks(result, ["marker", "screen", "network", "ssh"]);
    assert.notEqual(result.outPath, results.get("a")!.outPath);
  });

  test("GRUB + zsh + xz, network and SSH off, nine optional packages: boots as before and every package runs", { timeout: 300_000 }, async () => {
    const result = await build(grubZshXz, { store: storeA, bootTest: true });
    assertMarkerShows(result, grubZshXz);
    assertChecks(result, ["marker", "screen", "keyboard"]);
    results.set("c", result);
  });

  test("the same selection again builds nothing and gives the same output path", { timeout: 60_000 }, async () => {
    const again = await build(grubBusyboxGzip, { store: storeA, bootTest: false });
    assert.equal(again.builtDerivations, 0);
    assert.equal(again.outPath, results.get("a")!.outPath);
    assert.equal(again.sha256, results.get("a")!.sha256);
  });

  test("swapping one alternative rebuilds only the derivations that depend on it", { timeout: 120_000 }, async () => {
    // zstd's tool was built for the ISOLINUX image, so only the initramfs and the ISO are new.
    const swapped = await build({ ...grubBusyboxGzip, roles: { ...grubBusyboxGzip.roles, compression: "zstd" } }, { store: storeA, bootTest: false });
    assert.deepEqual(swapped.builtDerivationNames, ["initramfs-zstd", "zxcv-mini-iso"]);
    assert.equal(swapped.builtDerivations, 2);
    // A shell nobody built yet: its debs' unpacking, its root fragment, the initramfs and the ISO.
    const shell = await build({ ...grubBusyboxGzip, roles: { ...grubBusyboxGzip.roles, shell: "zsh" } }, { store: storeA, bootTest: false });
    assert.deepEqual(shell.builtDerivationNames, ["initramfs-gzip", "zxcv-mini-iso"], "rootfs-shell-zsh already exists from the zsh image");
  });

  test("the same selection in a second, separate store gives a bit-identical ISO", { timeout: 180_000 }, async () => {
    const other = await build(grubBusyboxGzip, { store: storeB, bootTest: false });
    assert.ok(other.builtDerivations > 20);
    assert.equal(other.outPath, results.get("a")!.outPath);
    assert.equal(other.sha256, results.get("a")!.sha256);
    assert.equal(other.isoSizeBytes, results.get("a")!.isoSizeBytes);
  });

  test("cancelling kills nix while realising and qemu while boot-testing", { timeout: 120_000 }, async () => {
    for (const phase of ["realising", "boot-test"] as const) {
      const abort = new AbortController();
      const store = phase === "realising" ? storeB : storeA;
      const selection = phase === "realising" ? isolinuxBashZstd : grubBusyboxGzip;
      let seen = false;
      const started = buildIso({
        selection,
        store,
        workDir: join(root, "work"),
        bootTest: true,
        signal: abort.signal,
        onLog: (line) => {
          if (phase === "realising" && !seen && line.startsWith("building '")) {
            seen = true;
            abort.abort();
          }
          if (phase === "boot-test" && !seen && line.startsWith("[qemu")) {
            seen = true;
            abort.abort();
          }
        },
      });
      await assert.rejects(started, (err: unknown) => err instanceof EngineError && err.code === "cancelled");
      assert.ok(seen, `the build reached ${phase}`);
      const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes(store) && /^(nix-store|qemu-system)/.test(l));
      assert.deepEqual(left, [], `no nix or qemu left after cancelling in ${phase}`);
    }
  });

  test("a killed engine leaves no QEMU behind, and killLeftovers ends what a dead worker recorded", { timeout: 120_000 }, async () => {
    // A process that runs the engine (as a worker would), boot-testing an ISO built above; kill -9 it mid-boot.
    const workDir = join(root, "killed-work");
    const script = `import { buildIso } from ${JSON.stringify(join(process.cwd(), "worker/engine/build-iso.ts"))};
      await buildIso({ selection: ${JSON.stringify(grubZshXz)}, store: ${JSON.stringify(storeA)}, workDir: ${JSON.stringify(workDir)}, bootTest: true, onLog: (l) => { if (l.startsWith("[qemu")) console.log("QEMU-RUNNING"); } });`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => b.toString().includes("QEMU-RUNNING") && resolve());
      child.on("exit", () => reject(new Error("the engine process ended before QEMU ran")));
    });
    const iso = results.get("c")!.isoPath;
    const qemus = () =>
      execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes(iso) && l.includes("qemu-system"));
    assert.equal(qemus().length, 1, "QEMU runs the boot test");
    assert.equal(readdirSync(join(workDir, "processes")).length, 1, "the running QEMU is recorded");
    child.kill("SIGKILL");
    await waitFor("QEMU to die with the engine's process", () => qemus().length === 0, 20_000);
    // What a dead worker recorded: a process still running under that record is killed; stale records are removed.
    const survivor = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
    const stat = execFileSync("cat", [`/proc/${survivor.pid}/stat`], { encoding: "utf8" });
    mkdirSync(join(workDir, "processes"), { recursive: true });
    writeFileSync(
      join(workDir, "processes", String(survivor.pid)),
      JSON.stringify({ pid: survivor.pid, cmd: "sleep", startTime: stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] }),
    );
    const exited = new Promise((r) => survivor.once("exit", r));
    assert.deepEqual(killLeftovers(workDir), [survivor.pid]);
    await exited;
    assert.deepEqual(readdirSync(join(workDir, "processes")), []);
  });

  test("a stale pin (gone from the mirror, or a different file) fails naming the re-pin command", { timeout: 60_000 }, async () => {
    const pin = readLock().debs.find((d) => d.name === "mtools")!;
    const gone = { ...pin, path: pin.path.replace(/_amd64\.deb$/, "-0zxcvgone_amd64.deb"), storeName: "zxcv-stale-test-gone.deb" };
    await assert.rejects(downloadDeb(gone), (err: unknown) => err instanceof StalePinError && /no longer on the mirror.*npm run pin:mini/.test(err.message));
    const changed = { ...pin, sha256: "0".repeat(64), storeName: "zxcv-stale-test-changed.deb" };
    await assert.rejects(
      downloadDeb(changed),
      (err: unknown) => err instanceof StalePinError && /has sha256 [0-9a-f]{64}, the lock says 0{64}.*npm run pin:mini/.test(err.message),
    );
  });

  test("bad selections are refused before evaluation, naming the culprit", async () => {
    const cases: [Selection, RegExp][] = [
      [{ ...grubBusyboxGzip, packages: ["no-such-package"] }, /no-such-package/],
      [{ ...grubBusyboxGzip, packages: ["${builtins.abort}"] }, /\$\{builtins\.abort\}/],
      [{ ...grubBusyboxGzip, packages: ["''x"] }, /''x/],
      [{ ...grubBusyboxGzip, packages: ["/nix/store/x"] }, /\/nix\/store\/x/],
      [{ ...grubBusyboxGzip, roles: { ...grubBusyboxGzip.roles, shell: "../x" } }, /\.\.\/x/],
      [
        { ...grubBusyboxGzip, roles: { ...grubBusyboxGzip.roles, bootloader: "isolinux" }, packages: ["efibootmgr"] },
        /efibootmgr.*conflicts|conflicts.*ISOLINUX/i,
      ],
    ];
    for (const [selection, culprit] of cases) {
      // A store path that does not exist: reaching Nix at all would fail differently (and create it).
      const store = join(root, "never-created");
      await assert.rejects(build(selection, { store, bootTest: false }), (err: unknown) => {
        assert.ok(err instanceof EngineError && err.code === "invalid-selection", String(err));
        assert.match(err.message, culprit);
        return true;
      });
      assert.equal(existsSync(store), false, "nothing was evaluated");
    }
  });
});
