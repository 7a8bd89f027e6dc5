import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { ensureDebianPackages } from "./apt";
import { isPortFree, waitForPort } from "./ports";
import { endingWithThisProcess } from "./processes";
import { StackError, say } from "./log";

export type RedisServer = { url: string; stop: () => Promise<void> };

/** The Redis user the app (and only the app) connects as: it manages the build hosts' ACL users. */
export const APP_REDIS_USER = "zxcv-app";

const redact = (url: string) => url.replace(/\/\/[^@]*@/, "//***@");

/**
 * Checks that REDIS_URL answers and may manage ACL users: build hosts each get their own Redis user, which
 * needs Redis 7 and a REDIS_URL user with ACL rights.
 */
export async function checkRedisUrl(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      throw new StackError(
        `cannot reach Redis at ${redact(url)} (REDIS_URL): ${(error as Error).message}. Start it, fix REDIS_URL, or unset it to let the stack start its own`,
      );
    }
    const me = String(await client.call("ACL", "WHOAMI").catch(() => ""));
    // DRYRUN answers OK, or (not as an error) why the user may not.
    const allowed = me ? (await client.call("ACL", "DRYRUN", me, "ACL", "SETUSER", "zxcv-probe").catch(() => "")) === "OK" : false;
    if (!allowed) {
      throw new StackError(
        `the Redis user of REDIS_URL (${redact(url)}${me ? `, user "${me}"` : ""}) cannot manage ACL users: each build host gets its own Redis user, so the app needs Redis 7 and a user with +acl (e.g. "ACL SETUSER ${me || "zxcv-app"} +@all ~* &*"), or unset REDIS_URL to let the stack start its own Redis`,
      );
    }
  } finally {
    client.disconnect();
  }
}

/**
 * The private Redis's ACL file: no anonymous access, and the app's user with a random password kept beside it
 * (mode 0600). Host users saved by the app (ACL SAVE) are kept; only their hashes are in the file.
 */
function writeAclFile(dir: string, persistent: boolean): { aclFile: string; password: string } {
  const passwordFile = path.join(dir, "app-password");
  const aclFile = path.join(dir, "users.acl");
  // The password is configuration, not data: a Redis restarted without its data still takes the app's password.
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const password = readFileSync(passwordFile, "utf8").trim();
  const kept =
    persistent && existsSync(aclFile)
      ? readFileSync(aclFile, "utf8")
          .split("\n")
          .filter((line) => line.startsWith("user zxcv-host-"))
      : [];
  const hash = createHash("sha256").update(password).digest("hex");
  const lines = ["user default off resetchannels -@all", `user ${APP_REDIS_USER} on #${hash} ~* &* +@all`, ...kept];
  writeFileSync(aclFile, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(aclFile, 0o600);
  return { aclFile, password };
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
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { aclFile, password } = writeAclFile(dir, options.persistent);
  const args = [
    "--bind",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--dir",
    dir,
    "--save",
    "",
    "--daemonize",
    "no",
    "--protected-mode",
    "yes",
    "--aclfile",
    aclFile,
  ];
  args.push("--appendonly", options.persistent ? "yes" : "no");
  const child = spawn(...endingWithThisProcess("redis-server", args, "TERM"), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await Promise.race([waitForPort(options.port, "127.0.0.1", 10_000), exited.then(() => Promise.reject(new Error(stderr.trim() || "redis-server exited")))]);
  } catch (error) {
    child.kill("SIGKILL");
    throw new StackError(`redis-server did not start on port ${options.port}: ${(error as Error).message}`);
  }
  say(`Redis started on 127.0.0.1:${options.port} (password-protected: user ${APP_REDIS_USER}, password in ${path.join(options.dir, "app-password")})`);
  return {
    url: `redis://${APP_REDIS_USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
