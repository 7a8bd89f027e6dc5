import { spawn, type ChildProcess } from "node:child_process";
import { childEnv } from "../../scripts/stack/processes";

export type StartRun = {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<string>;
  exited: Promise<number | null>;
};

/** Runs `bash scripts/start.sh` as a user would, with the given environment on top of a clean one. */
export function runStartCommand(env: Record<string, string | undefined>, options: { cwd?: string; script?: string; args?: string[] } = {}): StartRun {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" };
  const child = spawn("bash", [options.script ?? "scripts/start.sh", ...(options.args ?? [])], {
    cwd: options.cwd,
    env: childEnv({ ...base, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match[0]);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`start command did not print ${pattern} within ${timeoutMs / 1000} s; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then(() => {
        check();
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`start command exited before printing ${pattern}; output:\n${output}`));
        }
      });
      check();
    });
  return { child, output: () => output, waitFor, exited };
}

/** The `[zxcv] error: ...` lines the command printed. */
export function errorLines(output: string): string[] {
  return output.split("\n").filter((line) => line.startsWith("[zxcv] error:"));
}

/**
 * Points this test process at a new, empty database on the test run's PostgreSQL (the start command migrates it),
 * so a stack started by the test has its builds to itself: the test run's own app and worker never see them.
 * Call before anything reads the environment (getDb, getEnv).
 */
export async function useOwnDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { createDatabaseIfMissing, dropDatabase } = await import("../../scripts/stack/postgres");
  const url = new URL(process.env.DATABASE_URL ?? "");
  if (!url.protocol.startsWith("postgres")) throw new Error("DATABASE_URL is not set: run this test with `npm test`");
  url.pathname = `/zxcv_${label}_${Math.random().toString(36).slice(2, 10)}`;
  await createDatabaseIfMissing(url.toString());
  process.env.DATABASE_URL = url.toString();
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}
