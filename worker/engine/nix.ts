import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./channels";

/**
 * Nix as the engine runs it: a project-owned nix.conf (sandbox on, no substituters, root without build users),
 * so a machine where only `apt-get install nix-bin` ran needs no hand edits under /etc.
 */
const NIX_CONF = [
  "build-users-group =",
  "substituters =",
  "sandbox = true",
  "sandbox-fallback = false",
  "experimental-features = nix-command",
  "keep-derivations = true",
  "",
].join("\n");

export function nixConfDir(): string {
  const dir = join(process.env.ZXCV_STATE_DIR ?? join(repoRoot, ".state"), "nix-conf");
  mkdirSync(dir, { recursive: true });
  // Rewrite only when it differs, and atomically: concurrent builds read this file while others start.
  const file = join(dir, "nix.conf");
  if (!existsSync(file) || readFileSync(file, "utf8") !== NIX_CONF) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, NIX_CONF);
    renameSync(temp, file);
  }
  return dir;
}

/**
 * The whole environment of every process the engine starts (nix, qemu, ssh): a search path, a home and a temp
 * directory, nothing else. The worker's own secrets (its host token, REDIS_URL) never reach them.
 */
export function childEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
    HOME: process.env.HOME ?? "/root",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    LC_ALL: "C",
  } as unknown as NodeJS.ProcessEnv; // the app's typing of ProcessEnv names the app's variables, which these must not carry
}

export function nixEnv(): NodeJS.ProcessEnv {
  return { ...childEnv(), NIX_CONF_DIR: nixConfDir(), NIX_PATH: "" };
}

/** A second, separate store is a local chroot store under `dir` (used by tests and bit-identity checks). */
export function storeArgs(store: string | undefined): string[] {
  return store ? ["--store", store] : [];
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly tail: string[],
  ) {
    super(message);
  }
}

export type RunOptions = {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Raw output as it arrives, for prompts that do not end a line (a boot menu waiting for a key). */
  onChunk?: (text: string) => void;
  /** Feeds the child's stdin: called with a writer once the process runs (QEMU's serial console). */
  onSpawn?: (write: (text: string) => void) => void;
  timeoutMs?: number;
  /** A directory where the running process is recorded (pid, start time), so killLeftovers can end it later. */
  processDir?: string;
};

/**
 * How a recorded process is known again: its pid and the kernel's start time for it (pids are reused). Undefined
 * when it is gone, or dead and only waiting to be reaped (a zombie).
 */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Kills what an earlier engine under this work directory started and left running (its worker was killed with -9:
 * the kernel's parent-death signal ends the direct child, this ends anything that outlived it in its group). Looks at
 * every `processes` record directory up to three levels down (a worker's builds use <workDir>/<build>/<attempt>).
 * Returns the pids it killed. A starting worker calls it before taking jobs.
 */
export function killLeftovers(workDir: string): number[] {
  const killed: number[] = [];
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (entry.name === "processes") killRecorded(join(dir, entry.name), killed);
      else if (depth < 3) visit(join(dir, entry.name), depth + 1);
    }
  };
  visit(workDir, 0);
  return killed;
}

function killRecorded(dir: string, killed: number[]): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      const { pid, startTime } = JSON.parse(readFileSync(file, "utf8")) as { pid: number; startTime: string };
      if (startTimeOf(pid) === startTime) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          process.kill(pid, "SIGKILL");
        }
        killed.push(pid);
      }
    } catch {
      /* gone already, or not a record */
    }
    rmSync(file, { force: true });
  }
}

/** Records a running process under `processDir` for killLeftovers; returns the record's path (delete it once the process is gone). */
export function recordProcess(processDir: string, pid: number, cmd: string): string {
  mkdirSync(processDir, { recursive: true });
  const recorded = join(processDir, String(pid));
  writeFileSync(recorded, JSON.stringify({ pid, cmd, startTime: startTimeOf(pid) }));
  return recorded;
}

/**
 * Runs a command in its own process group, streaming stdout and stderr line by line as they are produced.
 * Abort (or the timeout) kills the whole group, so a cancelled build leaves no nix or qemu behind; the child gets
 * SIGKILL from the kernel when this process dies (util-linux setpriv --pdeathsig), so a killed worker leaves none
 * either.
 */
export function runStreaming(cmd: string, args: string[], options: RunOptions = {}): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", cmd, ...args], {
      env: options.env ?? nixEnv(),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const recorded = options.processDir && child.pid ? recordProcess(options.processDir, child.pid, cmd) : undefined;
    const stdout: string[] = [];
    const tail: string[] = [];
    let killedBy: string | undefined;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    // SIGTERM first: nix then kills its sandboxed builders (they run in their own sessions); SIGKILL if it lingers.
    let hardKill: NodeJS.Timeout | undefined;
    const kill = (why: string) => {
      if (killedBy) return;
      killedBy = why;
      signalGroup("SIGTERM");
      hardKill = setTimeout(() => signalGroup("SIGKILL"), 3000);
    };
    const onAbort = () => kill("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const timer = options.timeoutMs ? setTimeout(() => kill(`timed out after ${Math.round(options.timeoutMs! / 1000)} s`), options.timeoutMs) : undefined;
    const split = (isStdout: boolean) => {
      let buffer = "";
      return (chunk: Buffer) => {
        options.onChunk?.(chunk.toString("utf8"));
        buffer += chunk.toString("utf8");
        let nl: number;
        while ((nl = buffer.search(/\r?\n/)) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(buffer[nl] === "\r" ? nl + 2 : nl + 1);
          if (isStdout) stdout.push(line);
          tail.push(line);
          if (tail.length > 30) tail.shift();
          options.onLine?.(line);
        }
      };
    };
    child.stdout.on("data", split(true));
    child.stderr.on("data", split(false));
    child.stdin.on("error", () => {});
    options.onSpawn?.((text) => child.stdin.write(text));
    child.on("error", (err) => reject(err));
    child.on("close", (code) => {
      if (recorded) rmSync(recorded, { force: true });
      if (timer) clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      options.signal?.removeEventListener("abort", onAbort);
      if (killedBy) reject(new CommandError(`${cmd} ${killedBy}`, code, tail));
      else resolvePromise({ stdout: stdout.join("\n"), code });
    });
  });
}

/** Like runStreaming, but a non-zero exit is an error carrying the last lines of output. */
export async function runOrThrow(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const tail: string[] = [];
  const result = await runStreaming(cmd, args, {
    ...options,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.onLine?.(line);
    },
  });
  if (result.code !== 0) {
    const reason =
      tail
        .filter((l) => /error|fail|throw/i.test(l))
        .slice(-3)
        .join(" | ") || tail.slice(-3).join(" | ");
    throw new CommandError(`${cmd} exited with ${result.code}: ${reason}`, result.code, tail);
  }
  return result.stdout;
}

export async function nixVersion(): Promise<string> {
  const out = (await runOrThrow("nix-build", ["--version"])).trim();
  return /(\d+\.\d+(?:\.\d+)?)\s*$/.exec(out)?.[1] ?? out;
}

/** The derivations `nix-store --realise` will build, from its dry run (empty when the ISO is already built). */
export async function plannedBuilds(store: string[], drvPath: string, signal: AbortSignal | undefined, processDir?: string): Promise<string[]> {
  const lines: string[] = [];
  await runStreaming("nix-store", [...store, "--realise", "--dry-run", drvPath], { signal, processDir, onLine: (l) => lines.push(l) });
  const start = lines.findIndex((l) => /will be built:$/.test(l));
  if (start === -1) return [];
  const paths: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!/^\s+\/nix\/store\//.test(l)) break;
    paths.push(l.trim());
  }
  return paths;
}
