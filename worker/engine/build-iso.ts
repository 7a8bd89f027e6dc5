/**
 * The one entry point a build host calls: selection in, boot-tested ISO out.
 *
 *   const result = await buildIso({ selection, workDir, bootTest: true, signal, onLog, onPhase });
 *
 * - `selection` is validated against the channel's catalog (names, one alternative per role, requirements,
 *   conflicts) BEFORE anything is evaluated; a bad one throws EngineError("invalid-selection") naming the culprit.
 * - `store`: optional directory of a separate local Nix store (a chroot store); default is the host's /nix/store.
 * - `workDir`: where the selection JSON is written (the output path does not depend on it).
 * - `signal`: aborting kills nix and qemu (their whole process group) and throws EngineError("cancelled").
 * - `onLog`: every line of nix and qemu output, as it is produced. `onPhase`: phase changes and realise progress.
 * - Resolves to a BuildResult (contracts/build-result.ts); a failed boot test throws EngineError("boot-test-failed")
 *   with the result attached. The same selection on the same channel revision gives the same output path and builds
 *   nothing (`builtDerivations: 0`).
 * Only the `mini` channel builds here; `nixos` needs nixpkgs and a binary cache (EngineError "unsupported-channel").
 */
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { requiredBootFirmwares, type BootTest, type BuildResult, type EnginePhase } from "../../contracts/build-result";
import { canonicalSelectionJson, selectionHash, selectionSchema, validateSelection, type Selection } from "../../contracts/selection";
import { bootTest as runBootTest, type Firmware } from "./boot-test";
import { channelDir, channelRevision, isChannelId, loadCatalog, readArchive, readComponents, readLock } from "./channels";
import { EngineError } from "./errors";
import { CommandError, nixVersion, plannedBuilds, runOrThrow, storeArgs } from "./nix";

export { killLeftovers } from "./nix";
import { seedStore, StalePinError } from "./seed";
import { measureSizes } from "./sizes";

export type PhaseEvent = { phase: EnginePhase; done?: number; total?: number };

export type BuildIsoOptions = {
  selection: Selection;
  store?: string;
  workDir: string;
  bootTest: boolean;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  onPhase?: (p: PhaseEvent) => void;
  bootTimeoutMs?: number;
  /** Keep each boot's last screendump as iso-screen-<firmware>.ppm in this directory (the screenshot command). */
  screenshotDir?: string;
};

export class BootTestFailedError extends EngineError {
  constructor(
    message: string,
    readonly result: BuildResult,
  ) {
    super("boot-test-failed", message);
  }
}

/** Validates a selection for building; throws EngineError naming every culprit. Evaluates nothing. */
export function assertBuildableSelection(input: unknown): Selection {
  const parsed = selectionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join(".");
    const value = issue.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k as string], input);
    throw new EngineError("invalid-selection", `selection ${where || "value"}${value !== undefined ? ` ${JSON.stringify(value)}` : ""}: ${issue.message}`);
  }
  const selection = parsed.data;
  if (!isChannelId(selection.channel)) throw new EngineError("invalid-selection", `unknown channel "${selection.channel}"`);
  if (selection.channel !== "mini") {
    throw new EngineError(
      "unsupported-channel",
      `the ${selection.channel} channel needs nixpkgs and a binary cache; this engine builds the mini channel offline`,
    );
  }
  const problems = validateSelection(loadCatalog(selection.channel), selection);
  if (problems.length > 0) {
    throw new EngineError(
      "invalid-selection",
      problems.map((p) => p.message).join("; "),
      problems.map((p) => p.subject),
    );
  }
  return selection;
}

export async function buildIso(options: BuildIsoOptions): Promise<BuildResult> {
  const selection = assertBuildableSelection(options.selection);
  const durations: Record<EnginePhase, number> = { preparing: 0, evaluating: 0, realising: 0, "boot-test": 0, hashing: 0 };
  const log = options.onLog ?? (() => {});
  let phaseStarted = Date.now();
  let current: EnginePhase | undefined;
  const enter = (phase: EnginePhase, extra: Omit<PhaseEvent, "phase"> = {}) => {
    if (current) durations[current] += Date.now() - phaseStarted;
    current = phase;
    phaseStarted = Date.now();
    options.onPhase?.({ phase, ...extra });
  };
  // Every nix and qemu this build starts is recorded here while it runs, for killLeftovers after a worker crash.
  const processDir = join(options.workDir, "processes");
  const run = { signal: options.signal, onLine: log, processDir };
  try {
    // Preparing: evaluate, then fetch only the pinned .debs this selection needs and the store lacks.
    enter("preparing");
    mkdirSync(options.workDir, { recursive: true });
    const selectionFile = join(options.workDir, `selection-${selectionHash(selection).slice(0, 16)}.json`);
    writeFileSync(selectionFile, canonicalSelectionJson(selection));
    const store = storeArgs(options.store);
    const expr = join(channelDir("mini"), "default.nix");
    const drvPath = (await runOrThrow("nix-instantiate", [...store, expr, "--argstr", "selectionFile", selectionFile], run)).trim().split("\n").pop()!;
    await seedStore(drvPath, {
      store: options.store,
      signal: options.signal,
      processDir,
      onLog: log,
      onProgress: (done, total) => options.onPhase?.({ phase: "preparing", done, total }),
    });

    enter("evaluating");
    const planned = await plannedBuilds(store, drvPath, options.signal, processDir);

    enter("realising", { done: 0, total: planned.length });
    const built: string[] = [];
    const outPath = (
      await runOrThrow("nix-store", [...store, "--realise", drvPath], {
        signal: options.signal,
        processDir,
        onLine: (line) => {
          log(line);
          const m = /^building '(\/nix\/store\/[^']+\.drv)'/.exec(line);
          if (m) {
            built.push(m[1]!);
            options.onPhase?.({ phase: "realising", done: built.length, total: planned.length });
          }
        },
      })
    )
      .trim()
      .split("\n")
      .pop()!;
    // A GC root keeps the ISO until the publisher has it (the host's own store only).
    if (!options.store) await runOrThrow("nix-store", ["--add-root", join(options.workDir, "iso-result"), "--realise", outPath], run);
    const storeRoot = options.store ?? "";
    const isoPath = join(storeRoot, outPath, "zxcv-mini.iso");

    const bootTests: BootTest[] = [];
    if (options.bootTest) {
      const firmwares: Firmware[] = requiredBootFirmwares(selection);
      for (const [i, firmware] of firmwares.entries()) {
        enter("boot-test", { done: i, total: firmwares.length });
        log(`boot test: ${firmware}`);
        bootTests.push(
          await runBootTest({
            isoPath,
            firmware,
            bootloader: selection.roles.bootloader!,
            selection,
            signal: options.signal,
            onLog: log,
            timeoutMs: options.bootTimeoutMs,
            processDir,
            screenshot: options.screenshotDir && join(options.screenshotDir, `iso-screen-${firmware}.ppm`),
          }),
        );
        log(`boot test ${firmware}: ${bootTests.at(-1)!.passed ? "passed" : `FAILED (${bootTests.at(-1)!.problem})`}`);
      }
    }

    enter("hashing");
    const sha256 = await sha256File(isoPath);
    const isoSizeBytes = statSync(isoPath).size;
    const [closureBytes, inputClosureBytes, version, sizes] = await Promise.all([
      closureSize(store, [outPath], options.signal),
      inputClosureSize(store, drvPath, options.signal),
      nixVersion(),
      measureSizes({
        store,
        storeRoot,
        drvPath,
        isoBytes: isoSizeBytes,
        lock: readLock(),
        components: readComponents(),
        archive: readArchive(),
        packages: selection.packages,
        signal: options.signal,
      }),
    ]);
    durations.hashing += Date.now() - phaseStarted;
    const result: BuildResult = {
      version: 2,
      channel: selection.channel,
      channelRevision: channelRevision("mini"),
      arch: process.arch === "arm64" ? "aarch64" : "x86_64",
      selectionHash: selectionHash(selection),
      drvPath,
      outPath,
      isoPath,
      isoSizeBytes,
      sha256,
      closureBytes,
      inputClosureBytes,
      nixVersion: version,
      host: hostname(),
      builtDerivations: built.length,
      builtDerivationNames: built.map(drvName).sort(),
      bootTests,
      durations,
      sizes,
    };
    const failed = bootTests.filter((t) => !t.passed);
    if (failed.length > 0) {
      // Names the firmware and the check that failed, e.g. "boot test failed: uefi: screen: the screen stayed blank".
      throw new BootTestFailedError(`boot test failed: ${failed.map((t) => `${t.firmware}: ${t.problem}`).join("; ")}`, result);
    }
    return result;
  } catch (err) {
    if (options.signal?.aborted) throw new EngineError("cancelled", "the build was cancelled");
    if (err instanceof EngineError) throw err;
    if (err instanceof StalePinError) throw new EngineError("stale-pin", err.message);
    if (err instanceof CommandError) throw new EngineError("build-failed", err.message);
    throw err;
  }
}

export function drvName(drvPath: string): string {
  return drvPath.replace(/^\/nix\/store\/[a-z0-9]{32}-/, "").replace(/\.drv$/, "");
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

async function sumSizes(store: string[], paths: string[], signal?: AbortSignal): Promise<number> {
  if (paths.length === 0) return 0;
  const out = await runOrThrow("nix-store", [...store, "--query", "--size", ...paths], { signal });
  return out
    .split("\n")
    .filter(Boolean)
    .reduce((sum, n) => sum + Number(n), 0);
}

async function closureSize(store: string[], paths: string[], signal?: AbortSignal): Promise<number> {
  const closure = (await runOrThrow("nix-store", [...store, "--query", "--requisites", ...paths], { signal })).split("\n").filter(Boolean);
  return sumSizes(store, closure, signal);
}

/** Every store path a cold build of this ISO needs or makes: the outputs of every derivation in its closure. */
export async function inputClosureSize(store: string[], drvPath: string, signal?: AbortSignal): Promise<number> {
  const all = (await runOrThrow("nix-store", [...store, "--query", "--requisites", "--include-outputs", drvPath], { signal })).split("\n").filter(Boolean);
  return sumSizes(
    store,
    all.filter((p) => !p.endsWith(".drv")),
    signal,
  );
}
