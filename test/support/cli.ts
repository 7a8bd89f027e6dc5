import { spawn } from "node:child_process";
import path from "node:path";
import { childEnv } from "../../scripts/stack/processes";

const LAUNCHER = path.resolve("cli/zxcv.mjs");

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** Runs the zxcv bin as a person would, with its config under `home` and no TTY (plain phase lines). */
export function runCli(
  args: string[],
  { home, env = {}, timeoutMs = 15 * 60_000 }: { home: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliRun> {
  // A clean environment: only what a person's shell would have, plus the test's ZXCV_* variables.
  const vars = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], { env: childEnv(vars), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`zxcv ${args.join(" ")} did not finish in ${timeoutMs / 1000} s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The stack's URL, given by the test runner; a clear failure (not a skip) when it is missing. */
export function requireBaseUrl(): string {
  const url = process.env.BASE_URL;
  if (!url) throw new Error("BASE_URL is not set: these tests drive a running stack; run them with `npm test` (or set BASE_URL to a running app)");
  return url.replace(/\/+$/, "");
}
