import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startManaged, type Managed } from "./processes";
import { waitForPort } from "./ports";
import { StackError, say } from "./log";

const BIN = path.resolve("node_modules/.bin");

function runQuiet(what: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  try {
    execFileSync(command, args, { env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    const lines = output
      .trim()
      .split("\n")
      .filter((l) => l.trim() && !l.includes("Unknown user config") && !/^\s+at /.test(l));
    const errorLine = lines.find((l) => /error/i.test(l));
    throw new StackError(
      `${what} failed: ${errorLine ? lines.slice(lines.indexOf(errorLine), lines.indexOf(errorLine) + 4).join(" ") : lines.slice(-4).join(" ")}`,
    );
  }
}

/** Generates the Prisma client, applies committed migrations and seeds the channels' catalogs. */
export function prepareDatabase(env: NodeJS.ProcessEnv): void {
  runQuiet("prisma generate", path.join(BIN, "prisma"), ["generate"], env);
  runQuiet("applying migrations (prisma migrate deploy)", path.join(BIN, "prisma"), ["migrate", "deploy"], env);
  runQuiet("seeding the catalog", process.execPath, ["--import", "tsx", "prisma/seed.ts"], env);
  say("database migrated and catalog seeded");
}

/** `next build` unless a build exists and ZXCV_SKIP_BUILD=1. */
export function buildApp(env: NodeJS.ProcessEnv): void {
  if (env.ZXCV_SKIP_BUILD === "1" && existsSync(".next/BUILD_ID")) return;
  say("building the web app (next build)");
  runQuiet("next build", path.join(BIN, "next"), ["build"], { ...env, NEXT_TELEMETRY_DISABLED: "1" });
}

/**
 * V8's heap policy for the web server. Under load V8 let the heap grow to several times what was live and kept it:
 * after the bench's load the app held 2.1x its idle RSS with a quarter of its heap in use. Growing by at most 1.5x
 * the live heap after each full collection keeps memory near what is live, for a few more collections under load
 * (`npm run bench` prints the RSS idle and after the load, and the pages' throughput).
 */
const WEB_SERVER_NODE_FLAGS = ["--heap-growing-percent=50"];

/** Starts the built app with the production server (Next.js behind the artifact downloads, see server.ts) and waits until it listens. */
export async function startApp(options: { env: NodeJS.ProcessEnv; port: number; host: string; quiet?: boolean }): Promise<Managed> {
  const args = [...WEB_SERVER_NODE_FLAGS, "--import", "tsx", "scripts/stack/server.ts", String(options.port), options.host];
  const app = startManaged("app", process.execPath, args, { ...options.env, NEXT_TELEMETRY_DISABLED: "1" }, { quiet: options.quiet });
  try {
    await Promise.race([
      waitForPort(options.port, options.host === "0.0.0.0" ? "127.0.0.1" : options.host, 60_000),
      app.exited.then((code) => Promise.reject(new Error(`the web server exited with ${code}`))),
    ]);
  } catch (error) {
    throw new StackError(`the web app did not start: ${(error as Error).message}`);
  }
  return app;
}

/**
 * Registers this machine as the local build host (a fresh host token, stored hashed) and starts
 * one worker with it. The worker gets the Redis URL, the app's URL and its token: no database.
 */
export async function startLocalWorker(options: { env: NodeJS.ProcessEnv; appUrl: string; workDir: string; quiet?: boolean }): Promise<Managed> {
  const name = options.env.ZXCV_HOST_NAME ?? `local-${os.hostname()}`;
  const { token, redisUrl } = registerLocalHost(options.env, name);
  const workerEnv: Record<string, string | undefined> = {
    PATH: options.env.PATH,
    HOME: options.env.HOME,
    LANG: options.env.LANG,
    // The host's own Redis user (its queue only), never the app's.
    REDIS_URL: redisUrl,
    APP_URL: options.appUrl,
    ZXCV_HOST_TOKEN: token,
    ZXCV_HOST_NAME: name,
    ZXCV_HOST_ARCH: "x86_64",
    ZXCV_HOST_CAPACITY: options.env.ZXCV_HOST_CAPACITY ?? "1",
    ZXCV_WORK_DIR: path.resolve(options.workDir),
  };
  return startManaged("worker", process.execPath, ["--import", "tsx", "worker/main.ts"], workerEnv, { quiet: options.quiet });
}

function registerLocalHost(env: NodeJS.ProcessEnv, name: string): { token: string; redisUrl: string } {
  try {
    const [token = "", redisUrl = ""] = execFileSync(process.execPath, ["--import", "tsx", "scripts/stack/register-local-host.ts", name], {
      env,
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    return { token, redisUrl };
  } catch (error) {
    throw new StackError(`could not register the local build host: ${((error as { stderr?: string }).stderr ?? "").trim().split("\n").pop()}`);
  }
}
