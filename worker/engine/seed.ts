import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readAptSources, uriForSuite, type AptSource } from "./apt-mirror";
import { repoRoot, type DebPin, type DebsLock } from "./channels";
import { nixEnv, storeArgs } from "./nix";

export const PIN_COMMAND = "npm run pin:mini";

/** Project-local cache shared by tests, the CLI and workers on this machine (gitignored). */
export function stateDir(): string {
  return process.env.ZXCV_STATE_DIR ?? join(repoRoot, ".state");
}

export class StalePinError extends Error {}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** Downloads one pinned .deb into the cache (once), from the URI apt is configured with for its suite. */
export async function downloadDeb(pin: DebPin, options: { sources?: AptSource[]; signal?: AbortSignal } = {}): Promise<string> {
  const dir = join(stateDir(), "debs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, pin.storeName);
  if (existsSync(file) && (await sha256File(file)) === pin.sha256) return file;
  const sources = options.sources ?? readAptSources();
  const base = uriForSuite(sources, pin.suite);
  if (!base) throw new Error(`no apt source on this machine serves suite "${pin.suite}" (needed for ${pin.package}): check /etc/apt/sources.list.d`);
  const url = `${base}/${pin.path.split("/").map(encodeURIComponent).join("/")}`;
  const response = await fetch(url, { signal: options.signal });
  if (response.status === 404) {
    throw new StalePinError(`${pin.package} ${pin.version} is no longer on the mirror (the pin is stale): run ${PIN_COMMAND}`);
  }
  if (!response.ok || !response.body) throw new Error(`downloading ${pin.package} failed: HTTP ${response.status} from ${url}`);
  const partial = `${file}.part`;
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), createWriteStream(partial));
  const got = await sha256File(partial);
  if (got !== pin.sha256) {
    rmSync(partial, { force: true });
    throw new StalePinError(
      `${pin.package} ${pin.version} from the mirror has sha256 ${got}, the lock says ${pin.sha256} (the pin is stale): run ${PIN_COMMAND}`,
    );
  }
  renameSync(partial, file);
  return file;
}

/**
 * Takes bin/busybox out of the pinned busybox-static .deb with the host's dpkg-deb (the one host tool used, and only
 * before any build); the result is checked against the NAR hash in the lock when it is added to the store.
 */
export function extractBootstrap(debFile: string, pin: DebPin): { dir: string; name: string; narHash: string } {
  const name = "busybox-static-bootstrap";
  const root = join(stateDir(), "bootstrap", pin.storeName);
  const dir = join(root, name);
  if (!existsSync(join(dir, "bin", "busybox"))) {
    rmSync(root, { recursive: true, force: true });
    const tmp = join(root, "x");
    mkdirSync(tmp, { recursive: true });
    execFileSync("dpkg-deb", ["-x", debFile, tmp]);
    mkdirSync(join(dir, "bin"), { recursive: true });
    renameSync(join(tmp, "bin", "busybox"), join(dir, "bin", "busybox"));
    rmSync(tmp, { recursive: true, force: true });
  }
  const narHash = execFileSync("nix-hash", ["--type", "sha256", "--base32", dir], { encoding: "utf8", env: nixEnv() }).trim();
  return { dir, name, narHash };
}

/**
 * Puts every pinned .deb and the bootstrap busybox into the store, once per (store, revision): later builds only
 * evaluate and realise. Paths come out exactly as the fixed-output derivations in nix/channels/mini expect.
 */
export async function seedStore(
  lock: DebsLock,
  options: { store?: string; signal?: AbortSignal; onLog?: (line: string) => void; onProgress?: (done: number, total: number) => void },
): Promise<void> {
  const stampDir = join(stateDir(), "seeded");
  const storeKey = createHash("sha256")
    .update(options.store ?? "/nix/store")
    .digest("hex")
    .slice(0, 16);
  const stamp = join(stampDir, `${storeKey}-${lock.revision}`);
  // The stamp lists the seeded store paths; any missing one (a new store, a garbage collection) means seed again.
  const storeRoot = options.store ?? "";
  if (existsSync(stamp)) {
    const paths = readFileSync(stamp, "utf8").split("\n").filter(Boolean);
    if (paths.length === lock.debs.length + 1 && paths.every((p) => existsSync(join(storeRoot, p)))) return;
  }
  const sources = readAptSources();
  const files: string[] = [];
  let done = 0;
  for (const pin of lock.debs) {
    files.push(await downloadDeb(pin, { sources, signal: options.signal }));
    options.onProgress?.(++done, lock.debs.length);
  }
  const busyboxPin = lock.debs.find((d) => d.name === "busybox-static");
  if (!busyboxPin) throw new Error(`debs.lock.json has no busybox-static: run ${PIN_COMMAND}`);
  const bootstrap = extractBootstrap(files[lock.debs.indexOf(busyboxPin)]!, busyboxPin);
  if (bootstrap.narHash !== lock.bootstrap.narHash) {
    throw new StalePinError(`the bootstrap busybox hashes to ${bootstrap.narHash}, the lock says ${lock.bootstrap.narHash}: run ${PIN_COMMAND}`);
  }
  const args = [...storeArgs(options.store), "--add-fixed", "sha256"];
  const added = execFileSync("nix-store", [...args, ...files], { env: nixEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const addedBootstrap = execFileSync("nix-store", [...args.slice(0, -1), "--recursive", "sha256", bootstrap.dir], {
    env: nixEnv(),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onLog?.(`seeded ${files.length} pinned debs and the bootstrap busybox into ${options.store ?? "/nix/store"}`);
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, `${added.trim()}\n${addedBootstrap.trim()}\n`);
}
