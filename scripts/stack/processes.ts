import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";

/** A child's environment from plain variables (Next's types make NODE_ENV mandatory in ProcessEnv; children set their own). */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return vars as NodeJS.ProcessEnv;
}

/**
 * The command and arguments that start `command` so that it gets `signal` when this process ends, however it ends:
 * a crash or a SIGKILL runs none of the stack's shutdown code, and the services it started (the app, PostgreSQL,
 * Redis, the local worker) ran on as orphans; an orphaned app whose output pipe was gone spun a core logging its own
 * EPIPE errors. The kernel sends the signal (util-linux's setpriv sets PR_SET_PDEATHSIG and execs the command under
 * its own pid), as the worker does for nix and QEMU (worker/engine/nix.ts).
 */
export function endingWithThisProcess(command: string, args: string[], signal: "TERM" | "INT"): [string, string[]] {
  return ["setpriv", ["--pdeathsig", signal, "--", command, ...args]];
}

export type Managed = { name: string; child: ChildProcess; exited: Promise<number | null> };

/**
 * Starts a long-running child in its own process group (so stopping it also stops what it spawned,
 * such as nix-build and QEMU under the worker), prefixing each output line with its name.
 */
export function startManaged(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { quiet?: boolean } = {},
): Managed {
  const child = spawn(...endingWithThisProcess(command, args, "TERM"), { env: childEnv(env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout!, child.stderr!]) {
    const lines = readline.createInterface({ input: stream });
    lines.on("line", (line) => {
      if (!options.quiet) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, exited };
}

/** SIGTERM to the whole group, then SIGKILL after the grace period. */
export async function stopManaged(managed: Managed, graceMs = 10_000): Promise<void> {
  const { child } = managed;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await managed.exited;
  clearTimeout(timer);
  signal("SIGKILL");
}
