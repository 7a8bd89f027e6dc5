// npm run pin:mini — re-pins every .deb of the `mini` channel from this machine's current apt index.
//
// Debian's mirror keeps only current versions, so pins go stale after each point or security release; this is the
// command a stale-pin error names. It asks apt for each package's URL, size and sha256 (from apt's signed index),
// stores the URL as (suite, archive-relative path) so no mirror host lands in the repo, writes
// nix/channels/mini/debs.lock.json and its revision (sha256 of the pinned content).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readAptSources, splitAptUrl } from "../worker/engine/apt-mirror";
import { channelDir, lockRevision, readComponents, storeNameFor, type DebPin, type DebsLock } from "../worker/engine/channels";
import { downloadDeb, extractBootstrap } from "../worker/engine/seed";

function apt(args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

function listsAreEmpty(): boolean {
  return !readdirSync("/var/lib/apt/lists").some((name) => name.includes("Packages"));
}

/** Metapackages such as linux-image-amd64 are pinned as the concrete package they depend on today. */
function resolveMeta(name: string): string {
  if (!/^linux-image-(cloud-)?amd64$/.test(name)) return name;
  const out = apt(["apt-cache", "show", "--no-all-versions", name]);
  const dep = /^Depends: .*?(linux-image-[0-9][^\s,]*)/m.exec(out)?.[1];
  if (!dep) throw new Error(`cannot resolve ${name} to a concrete kernel package`);
  return dep;
}

async function main(): Promise<void> {
  if (listsAreEmpty()) {
    console.log("apt lists are empty: running apt-get update");
    apt(["apt-get", "update"]);
  }
  const components = readComponents();
  const names = new Set<string>([
    components.bootstrap,
    components.glibc,
    ...components.base,
    components.consoleFont.deb,
    components.timezones.deb,
    components.keymaps.deb,
  ]);
  for (const tool of Object.values(components.tools)) tool.debs.forEach((d) => names.add(d));
  for (const role of Object.values(components.roles)) for (const alt of Object.values(role)) alt.debs.forEach((d) => names.add(d));
  for (const pkg of Object.values(components.packages)) pkg.debs.forEach((d) => names.add(d));

  const logical = [...names].sort();
  const concrete = new Map(logical.map((n) => [n, resolveMeta(n)]));
  const out = apt(["apt-get", "download", "--print-uris", ...concrete.values()]);
  const sources = readAptSources();
  const byFile = new Map<string, { url: string; size: number; sha256: string }>();
  for (const line of out.split("\n")) {
    const m = /^'([^']+)' (\S+) (\d+) SHA256:([0-9a-f]{64})$/.exec(line.trim());
    if (m) byFile.set(decodeURIComponent(m[1]!.split("/").pop()!), { url: m[1]!, size: Number(m[3]), sha256: m[4]! });
  }
  // One apt-cache call for all packages: stanzas by package name (the candidate version only).
  const stanzas = new Map<string, string>();
  for (const stanza of apt(["apt-cache", "show", "--no-all-versions", ...new Set(concrete.values())]).split(/\n\n+/)) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    if (pkg && !stanzas.has(pkg)) stanzas.set(pkg, stanza);
  }
  const debs: DebPin[] = [];
  for (const name of logical) {
    const pkg = concrete.get(name)!;
    const show = stanzas.get(pkg) ?? "";
    const version = /^Version: (.+)$/m.exec(show)?.[1];
    const arch = /^Architecture: (.+)$/m.exec(show)?.[1];
    const installedKb = Number(/^Installed-Size: (\d+)$/m.exec(show)?.[1] ?? "0");
    if (!version || !arch) throw new Error(`apt-cache show ${pkg} gave no version`);
    const hit = [...byFile.entries()].find(([file]) => file.startsWith(`${pkg}_`));
    if (!hit) throw new Error(`apt-get download --print-uris printed no URL for ${pkg}`);
    const where = splitAptUrl(sources, hit[1].url);
    if (!where) throw new Error(`${hit[1].url} matches no source in apt's configuration`);
    debs.push({
      name,
      package: pkg,
      version,
      arch,
      suite: where.suite,
      path: where.path,
      size: hit[1].size,
      sha256: hit[1].sha256,
      installedBytes: installedKb * 1024,
      storeName: storeNameFor(pkg, version, arch),
    });
  }
  const bootstrapPin = debs.find((d) => d.name === components.bootstrap)!;
  const debFile = await downloadDeb(bootstrapPin, { sources });
  const bootstrap = extractBootstrap(debFile, bootstrapPin);
  const body = { debs, bootstrap: { name: bootstrap.name, narHash: bootstrap.narHash } };
  const lock: DebsLock = { ...body, revision: lockRevision(body) };
  const file = join(channelDir("mini"), "debs.lock.json");
  const previous = safeRead(file);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`pinned ${debs.length} debs; channel revision ${lock.revision}${previous === lock.revision ? " (unchanged)" : ""}`);
}

function safeRead(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { revision?: string }).revision;
  } catch {
    return undefined;
  }
}

main().catch((err: unknown) => {
  console.error(`pin:mini failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
