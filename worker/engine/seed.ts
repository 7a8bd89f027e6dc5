import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readAptSources, uriForSuite, type AptSource } from "./apt-mirror";
import { readArchive, readLock, repoRoot, storeNameFor, type DebPin, type DebsLock } from "./channels";
import { nixEnv, plannedBuilds, storeArgs } from "./nix";

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

/** Every pin a build may need, by the store name of its fixed-output derivation: the components' and the archive's. */
function pinsByStoreName(lock: DebsLock): Map<string, DebPin> {
  const pins = new Map(lock.debs.map((d) => [d.storeName, d]));
  for (const [id, a] of Object.entries(readArchive().packages)) {
    const arch = /_([a-z0-9]+)\.deb$/.exec(a.path)![1]!;
    const storeName = storeNameFor(id, a.version, arch);
    if (!pins.has(storeName))
      pins.set(storeName, {
        name: id,
        package: id,
        version: a.version,
        arch,
        suite: a.suite,
        path: a.path,
        size: a.size,
        sha256: a.sha256,
        installedBytes: a.installedBytes,
        storeName,
      });
  }
  return pins;
}

/**
 * Puts into the store exactly the pinned .debs (and the bootstrap busybox) that a realise of `drvPath` would have to
 * build, per Nix's dry run: only what this selection needs and the store lacks, each downloaded once per host into
 * .state/debs and checked against the sha256 of the pinned index. Paths come out as nix/channels/mini expects.
 */
export async function seedStore(
  drvPath: string,
  options: { store?: string; signal?: AbortSignal; processDir?: string; onLog?: (line: string) => void; onProgress?: (done: number, total: number) => void },
): Promise<{ debs: number; downloadedBytes: number }> {
  const lock = readLock();
  const planned = (await plannedBuilds(storeArgs(options.store), drvPath, options.signal, options.processDir)).map((p) =>
    p.replace(/^\/nix\/store\/[a-z0-9]{32}-/, "").replace(/\.drv$/, ""),
  );
  const pins = pinsByStoreName(lock);
  const wanted = planned.map((name) => pins.get(name)).filter((p): p is DebPin => p !== undefined);
  const needsBootstrap = planned.includes(lock.bootstrap.name);
  const busyboxPin = lock.debs.find((d) => d.name === "busybox-static");
  if (!busyboxPin) throw new Error(`debs.lock.json has no busybox-static: run ${PIN_COMMAND}`);
  const sources = readAptSources();
  const files: string[] = [];
  let downloadedBytes = 0;
  for (const pin of wanted) {
    const cached = existsSync(join(stateDir(), "debs", pin.storeName));
    files.push(await downloadDeb(pin, { sources, signal: options.signal }));
    if (!cached) downloadedBytes += pin.size;
    options.onProgress?.(files.length, wanted.length);
  }
  const args = [...storeArgs(options.store), "--add-fixed", "sha256"];
  if (files.length > 0) execFileSync("nix-store", [...args, ...files], { env: nixEnv(), stdio: ["ignore", "pipe", "pipe"] });
  if (needsBootstrap) {
    const bootstrap = extractBootstrap(await downloadDeb(busyboxPin, { sources, signal: options.signal }), busyboxPin);
    if (bootstrap.narHash !== lock.bootstrap.narHash) {
      throw new StalePinError(`the bootstrap busybox hashes to ${bootstrap.narHash}, the lock says ${lock.bootstrap.narHash}: run ${PIN_COMMAND}`);
    }
    execFileSync("nix-store", [...args.slice(0, -1), "--recursive", "sha256", bootstrap.dir], { env: nixEnv(), stdio: ["ignore", "pipe", "pipe"] });
  }
  if (files.length > 0 || needsBootstrap) {
    options.onLog?.(
      `seeded ${files.length} pinned debs${needsBootstrap ? " and the bootstrap busybox" : ""} into ${options.store ?? "/nix/store"} (${downloadedBytes} bytes downloaded)`,
    );
  }
  return { debs: files.length, downloadedBytes };
}
