import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { ensureDebianPackages } from "./apt";
import { isPortFree, waitForPort } from "./ports";
import { StackError, say } from "./log";

export type RedisServer = { url: string; stop: () => Promise<void> };

export async function checkRedisUrl(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new StackError(`cannot reach Redis at ${url.replace(/\/\/[^@]*@/, "//***@")} (REDIS_URL): ${(error as Error).message}. Start it, fix REDIS_URL, or unset it to let the stack start its own`);
  } finally {
    client.disconnect();
  }
}

/**
 * Starts a private redis-server for this stack (installed with apt-get when missing and permitted).
 * `persistent` keeps an append-only file in `dir` so queued jobs survive a restart.
 */
export async function startPrivateRedis(options: { dir: string; port: number; persistent: boolean }): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) ensureDebianPackages(["redis-server"]);
  if (!(await isPortFree(options.port))) {
    throw new StackError(`port ${options.port} for the stack's Redis is in use: stop what uses it, set ZXCV_REDIS_PORT to another port, or set REDIS_URL`);
  }
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const args = ["--bind", "127.0.0.1", "--port", String(options.port), "--dir", dir, "--save", "", "--daemonize", "no", "--protected-mode", "yes"];
  args.push("--appendonly", options.persistent ? "yes" : "no");
  const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await Promise.race([
      waitForPort(options.port, "127.0.0.1", 10_000),
      exited.then(() => Promise.reject(new Error(stderr.trim() || "redis-server exited"))),
    ]);
  } catch (error) {
    child.kill("SIGKILL");
    throw new StackError(`redis-server did not start on port ${options.port}: ${(error as Error).message}`);
  }
  say(`Redis started on 127.0.0.1:${options.port}`);
  return {
    url: `redis://127.0.0.1:${options.port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
