// The pinned Debian index, read for `npm run pin:mini`: apt's own (already signature-checked) Packages lists of the
// channel's suites, each checked against its InRelease, and the suite's Contents files (downloaded once from the URI
// apt is configured with, checked against the same InRelease) for file collisions and command names.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { compareVersions, parseStanzas } from "../contracts/debian-index";
import { indexPackageFromStanza, type IndexPackage } from "../contracts/resolver";
import { stateDir } from "../worker/engine/seed";

export type IndexPin = { suite: string; inReleaseSha256: string; packages: { path: string; sha256: string } };
export type ArchivePackage = IndexPackage & { suite: string; path: string; size: number; sha256: string; installedBytes: number };

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** The SHA256 of one file as an InRelease lists it. */
function releaseHash(inRelease: string, file: string): { sha256: string; size: number } {
  const section = /^SHA256:\n((?: .*\n?)*)/m.exec(inRelease)?.[1] ?? "";
  for (const line of section.split("\n")) {
    const [hash, size, name] = line.trim().split(/\s+/);
    if (name === file) return { sha256: hash!, size: Number(size) };
  }
  throw new Error(`the InRelease lists no ${file}`);
}

type ListFile = { suite: string; uri: string; packagesFile: string };

/** apt's downloaded Packages list for (suite, component, arch), from `apt-get indextargets`. */
function aptLists(suites: string[], component: string, arch: string): ListFile[] {
  const out = execFileSync("apt-get", ["indextargets", "--format", "$(FILENAME) $(URI)", "Created-By: Packages"], { encoding: "utf8" });
  const found: ListFile[] = [];
  for (const line of out.split("\n")) {
    const [file, uri] = line.split(" ");
    const m = uri && new RegExp(`^(.*)/dists/([^/]+)/${component}/binary-${arch}/Packages$`).exec(uri);
    if (m && suites.includes(m[2]!) && existsSync(file!)) found.push({ suite: m[2]!, uri: m[1]!, packagesFile: file! });
  }
  for (const suite of suites)
    if (!found.some((f) => f.suite === suite)) throw new Error(`apt has no ${component}/binary-${arch} list for ${suite}: run apt-get update`);
  return found.sort((a, b) => suites.indexOf(a.suite) - suites.indexOf(b.suite));
}

/**
 * Every package of the suites, the newest version of each name winning (an update or security suite replaces the
 * release's version), with the index pins that say exactly which lists were read.
 */
export function readArchive(suites: string[]): { packages: ArchivePackage[]; index: IndexPin[]; releases: Map<string, { uri: string; inRelease: string }> } {
  const byName = new Map<string, ArchivePackage>();
  const index: IndexPin[] = [];
  const releases = new Map<string, { uri: string; inRelease: string }>();
  for (const list of aptLists(suites, "main", "amd64")) {
    const inReleaseFile = list.packagesFile.replace(/_main_binary-amd64_Packages(\.[a-z0-9]+)?$/, "_InRelease");
    const inRelease = readFileSync(inReleaseFile, "utf8");
    const text = execFileSync("/usr/lib/apt/apt-helper", ["cat-file", list.packagesFile], { maxBuffer: 1 << 30 });
    const want = releaseHash(inRelease, "main/binary-amd64/Packages");
    const got = sha256(text);
    if (got !== want.sha256) throw new Error(`${list.packagesFile} hashes to ${got}, its InRelease says ${want.sha256}: run apt-get update`);
    index.push({ suite: list.suite, inReleaseSha256: sha256(inRelease), packages: { path: "main/binary-amd64/Packages", sha256: got } });
    releases.set(list.suite, { uri: list.uri, inRelease });
    for (const fields of parseStanzas(text.toString("utf8"))) {
      const pkg: ArchivePackage = {
        ...indexPackageFromStanza(fields),
        suite: list.suite,
        path: fields.get("filename")!,
        size: Number(fields.get("size")),
        sha256: fields.get("sha256")!,
        installedBytes: Number(fields.get("installed-size") ?? "0") * 1024,
      };
      const old = byName.get(pkg.name);
      if (!old || compareVersions(pkg.version, old.version) > 0) byName.set(pkg.name, pkg);
    }
  }
  return { packages: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), index, releases };
}

/** A Contents file of the release suite, downloaded once into .state/debian-index and checked against the InRelease. */
async function contentsFile(uri: string, suite: string, inRelease: string, name: string): Promise<string> {
  const want = releaseHash(inRelease, `main/${name}.gz`);
  const dir = join(stateDir(), "debian-index");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${want.sha256}-${name}.gz`);
  if (existsSync(file)) return file;
  const response = await fetch(`${uri}/dists/${suite}/main/${name}.gz`);
  if (!response.ok) throw new Error(`downloading ${name} of ${suite} failed: HTTP ${response.status}`);
  const data = Buffer.from(await response.arrayBuffer());
  if (sha256(data) !== want.sha256) throw new Error(`${name}.gz of ${suite} does not match its InRelease: run apt-get update`);
  writeFileSync(`${file}.part`, data);
  renameSync(`${file}.part`, file);
  return file;
}

/** Folders the channel drops from every package (docs, manuals, translations): files there never collide. */
const DROPPED = /^usr\/share\/(doc|man|info|locale|lintian|bug)\//;
const BIN = /^(usr\/)?s?bin\/([^/]+)$/;

/**
 * From the release suite's Contents-amd64 and Contents-all: every path more than one package ships (outside the
 * dropped folders), and each package's files in bin folders (its commands).
 */
export async function readContents(
  uri: string,
  suite: string,
  inRelease: string,
  baseFiles: string[],
): Promise<{ shared: [string, string[]][]; commands: Map<string, string[]>; baseFileOwners: Map<string, string[]> }> {
  const watched = new Set(baseFiles);
  const baseFileOwners = new Map<string, string[]>();
  const owners = new Map<string, string>();
  const shared = new Map<string, string[]>();
  const commands = new Map<string, string[]>();
  for (const name of ["Contents-amd64", "Contents-all"]) {
    const file = await contentsFile(uri, suite, inRelease, name);
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      const cut = line.lastIndexOf(" ");
      if (cut <= 0) continue;
      const path = line.slice(0, cut).trimEnd();
      if (DROPPED.test(path)) continue;
      const pkgs = line
        .slice(cut + 1)
        .split(",")
        .map((p) => p.slice(p.lastIndexOf("/") + 1));
      if (watched.has(path)) baseFileOwners.set(path, [...(baseFileOwners.get(path) ?? []), ...pkgs]);
      const bin = BIN.exec(path);
      if (bin) for (const p of pkgs) commands.set(p, [...(commands.get(p) ?? []), `/${path}`]);
      const before = owners.get(path);
      const all = before ? [...new Set([...before.split(","), ...pkgs])] : pkgs;
      if (all.length > 1) shared.set(path, all);
      // Only the first file's paths are remembered: a path the second one repeats is what collides across them.
      if (name === "Contents-amd64") owners.set(path, all.join(","));
    }
  }
  return { shared: [...shared.entries()], commands, baseFileOwners };
}
