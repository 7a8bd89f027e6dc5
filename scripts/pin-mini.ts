// npm run pin:mini — re-pins the `mini` channel from this machine's current Debian index and regenerates its catalog.
//
// Debian's mirror keeps only current versions, so pins go stale after each point or security release; this is the
// command a stale-pin error names. It reads apt's Packages lists of the suites components.json names (each checked
// against its InRelease; the lock records both hashes), resolves every package with contracts/resolver.ts, and writes:
//   debs.lock.json  the components' pins (suite, archive-relative path, size, sha256) and the index pins
//   archive.json    every offered package: its pin, Installed-Size, resolved dependencies, conflicts, file clashes
//   left-out.txt    every package that is not offered, with the reason
// No mirror host lands in the repo: a pin is (suite, path), mapped back through apt's configuration at fetch time.
// `--dry-run` generates everything and writes nothing (bench/catalog.ts times it).
import { readFileSync, writeFileSync as writeFile } from "node:fs";
import { basename, join } from "node:path";
import { CATALOG_ID, archiveSchema, type Archive, type ArchivePackage as ArchiveEntry } from "../contracts/catalog";
import { resolveArchive } from "../contracts/resolver";
import { readAptSources } from "../worker/engine/apt-mirror";
import { channelDir, lockRevision, readComponents, storeNameFor, type DebPin, type DebsLock } from "../worker/engine/channels";
import { downloadDeb, extractBootstrap } from "../worker/engine/seed";
import { readArchive, readContents, type ArchivePackage } from "./pin-archive";

/** Metapackages such as linux-image-amd64 are pinned as the concrete package they depend on today. */
function concreteName(name: string, byName: Map<string, ArchivePackage>): string {
  if (!/^linux-image-(cloud-)?amd64$/.test(name)) return name;
  const dep = byName
    .get(name)
    ?.depends.flat()
    .find((r) => /^linux-image-[0-9]/.test(r.name))?.name;
  if (!dep) throw new Error(`cannot resolve ${name} to a concrete kernel package`);
  return dep;
}

/** The command a package is known by: the one named like it in a bin folder, else its only one. */
function mainCommand(name: string, commands: string[] | undefined): string | undefined {
  if (!commands) return undefined;
  const named = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map((dir) => `${dir}${name}`).find((c) => commands.includes(c));
  return named ?? (commands.length === 1 ? commands[0] : undefined);
}

function previousOffered(file: string): Set<string> {
  try {
    return new Set(Object.keys((JSON.parse(readFileSync(file, "utf8")) as Archive).packages));
  } catch {
    return new Set();
  }
}

const dryRun = process.argv.includes("--dry-run");
const writeFileSync = (file: string, text: string) => (dryRun ? undefined : writeFile(file, text));

async function main(): Promise<void> {
  const started = Date.now();
  const components = readComponents();
  const rules = components.archive;
  const { packages, index, releases } = readArchive(rules.suites);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const release = releases.get(rules.suites[0]!)!;
  const contents = await readContents(release.uri, rules.suites[0]!, release.inRelease, rules.baseFiles);
  console.log(`read ${packages.length} packages of ${rules.suites.join(", ")} and ${contents.shared.length} shared paths in ${Date.now() - started} ms`);

  const leaveOut = { ...rules.leaveOut };
  for (const p of packages) if (!CATALOG_ID.test(p.name)) leaveOut[p.name] = "its name is longer than a catalog id may be (63 characters)";
  const resolved = resolveArchive(
    packages,
    { base: components.base, leaveOut, leaveOutSections: rules.leaveOutSections, baseFileOwners: contents.baseFileOwners },
    contents.shared,
  );

  // The components' own debs (roles, tools, base) are pinned whether or not the catalog offers them.
  const names = new Set<string>([
    components.bootstrap,
    components.glibc,
    ...components.base,
    components.consoleFont.deb,
    components.ldconfig.deb,
    components.timezones.deb,
    components.keymaps.deb,
  ]);
  for (const tool of Object.values(components.tools)) tool.debs.forEach((d) => names.add(d));
  for (const role of Object.values(components.roles)) for (const alt of Object.values(role)) alt.debs.forEach((d) => names.add(d));
  const debs: DebPin[] = [...names].sort().map((name) => {
    const pkg = byName.get(concreteName(name, byName));
    if (!pkg) throw new Error(`${name} (components.json) is not in the pinned index of ${rules.suites.join(", ")}`);
    return {
      name,
      package: pkg.name,
      version: pkg.version,
      arch: /_([a-z0-9]+)\.deb$/.exec(pkg.path)![1]!,
      suite: pkg.suite,
      path: pkg.path,
      size: pkg.size,
      sha256: pkg.sha256,
      installedBytes: pkg.installedBytes,
      storeName: storeNameFor(pkg.name, pkg.version, /_([a-z0-9]+)\.deb$/.exec(pkg.path)![1]!),
    };
  });

  const dir = channelDir("mini");
  const archiveFile = join(dir, "archive.json");
  const before = previousOffered(archiveFile);
  const entries: [string, ArchiveEntry][] = [...resolved.offered.entries()].map(([name, r]) => {
    const p = byName.get(name)!;
    const command = mainCommand(name, contents.commands.get(name));
    return [
      name,
      {
        version: p.version,
        section: p.section,
        priority: p.priority,
        description: p.description,
        installedBytes: p.installedBytes,
        suite: p.suite,
        path: p.path,
        size: p.size,
        sha256: p.sha256,
        depends: r.depends,
        conflicts: r.conflicts,
        clashes: r.clashes,
        ...(command ? { command } : {}),
      },
    ];
  });
  entries.sort((a, b) => a[0].localeCompare(b[0]));
  const comment = `Generated by npm run pin:mini from ${index.map((i) => i.suite).join(", ")} (main, amd64): every package the mini channel offers. Do not edit.`;
  archiveSchema.parse({ _comment: comment, packages: Object.fromEntries(entries) });
  // One package per line: a re-pin's diff shows exactly which packages changed.
  const lines = entries.map(([name, entry]) => `    ${JSON.stringify(name)}: ${JSON.stringify(entry)}`);
  writeFileSync(archiveFile, `{\n  "_comment": ${JSON.stringify(comment)},\n  "packages": {\n${lines.join(",\n")}\n  }\n}\n`);
  const gone = [...before].filter((n) => !resolved.offered.has(n)).sort();
  const report = [...resolved.leftOut.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([n, why]) => `${n}: ${why}`);
  writeFileSync(
    join(dir, "left-out.txt"),
    `# Packages of the pinned index the mini channel does not offer, and why (npm run pin:mini).\n${report.join("\n")}\n`,
  );

  const featured = (JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as { packages: { id: string }[] }).packages;
  const missing = featured.filter((f) => !resolved.offered.has(f.id)).map((f) => `${f.id} (${resolved.leftOut.get(f.id) ?? "not in the index"})`);
  if (missing.length > 0) throw new Error(`catalog.json features packages the archive no longer offers: ${missing.join(", ")}`);

  const bootstrapPin = debs.find((d) => d.name === components.bootstrap)!;
  const bootstrap = extractBootstrap(await downloadDeb(bootstrapPin, { sources: readAptSources() }), bootstrapPin);
  const body = { index, debs, bootstrap: { name: bootstrap.name, narHash: bootstrap.narHash } };
  const lock: DebsLock = { ...body, revision: lockRevision(body) };
  const lockFile = join(dir, "debs.lock.json");
  const previous = safeRevision(lockFile);
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(
    `offered ${resolved.offered.size} packages, left out ${resolved.leftOut.size} (${basename(dir)}/left-out.txt); pinned ${debs.length} component debs; ` +
      `revision ${lock.revision}${previous === lock.revision ? " (unchanged)" : ""}; ${Date.now() - started} ms`,
  );
  if (gone.length > 0) console.log(`no longer offered (profiles naming these are refused, naming them): ${gone.join(", ")}`);
}

function safeRevision(file: string): string | undefined {
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
