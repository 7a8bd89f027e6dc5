// The mini channel's dependency resolver. At pin time (`resolveArchive`) it decides, once, which Debian packages the
// channel offers, what each one depends on and what it conflicts or collides with; at selection time
// (`closureOf`, `closureProblems`) it walks those decisions for a set of chosen packages, in the browser, the app and
// on a build host alike. Pure: no Node module.
import { formatRelation, parseRelations, satisfiesVersion, type Relation } from "./debian-index";

/** One binary package of the pinned index, as the resolver needs it. */
export type IndexPackage = {
  name: string;
  version: string;
  section: string;
  priority: string;
  essential: boolean;
  description: string;
  /** Pre-Depends and Depends, in that order. */
  depends: Relation[][];
  /** Conflicts and Breaks: neither may be in one system with this package. */
  conflicts: Relation[];
  provides: Relation[];
};

export function indexPackageFromStanza(fields: Map<string, string>): IndexPackage {
  return {
    name: fields.get("package")!,
    version: fields.get("version")!,
    section: (fields.get("section") ?? "misc").replace(/^.*\//, ""),
    priority: fields.get("priority") ?? "optional",
    essential: fields.get("essential") === "yes",
    description: (fields.get("description") ?? "").split("\n")[0]!,
    depends: [...parseRelations(fields.get("pre-depends")), ...parseRelations(fields.get("depends"))],
    conflicts: [...parseRelations(fields.get("conflicts")), ...parseRelations(fields.get("breaks"))].flat(),
    provides: parseRelations(fields.get("provides")).flat(),
  };
}

/** What the generator decided about one offered package. */
export type ResolvedPackage = {
  /** Offered packages this one needs directly: the first satisfiable alternative of each group the base does not cover. */
  depends: string[];
  /** Offered packages it may not share a system with (Conflicts/Breaks, either side, virtual names expanded). */
  conflicts: string[];
  /** Offered packages that ship one of its files: [other package, one such file]. */
  clashes: [string, string][];
};

export type ArchiveRules = {
  /** Packages the base system carries (the base's own debs; every Essential package is covered by it too). */
  base: string[];
  /** Package name -> why it is left out, e.g. adduser: its maintainer scripts create system users. */
  leaveOut: Record<string, string>;
  /** Debian section -> why its packages are left out. */
  leaveOutSections: Record<string, string>;
  /** Files the live system's base writes itself (its init, inittab, profile ...) -> the packages that ship them too. */
  baseFileOwners?: Map<string, string[]>;
};

export type ResolvedArchive = { offered: Map<string, ResolvedPackage>; leftOut: Map<string, string> };

const PRIORITY_RANK: Record<string, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };

/**
 * Decides the whole archive: which packages are offered, and each one's dependencies, conflicts and file clashes.
 * `files` lists every path more than one package ships (from the suite's Contents index) with those packages.
 */
export function resolveArchive(packages: IndexPackage[], rules: ArchiveRules, files: [string, string[]][] = []): ResolvedArchive {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const providers = new Map<string, { pkg: IndexPackage; version?: string }[]>();
  for (const pkg of packages)
    for (const p of pkg.provides) {
      const list = providers.get(p.name) ?? [];
      list.push({ pkg, ...(p.op === "=" ? { version: p.version } : {}) });
      providers.set(p.name, list);
    }
  const inBase = new Set(rules.base);
  for (const pkg of packages) if (pkg.essential) inBase.add(pkg.name);

  /** Real package first, then providers by priority and name; a versioned relation needs a versioned Provides. */
  const candidates = (rel: Relation): string[] => {
    const out: string[] = [];
    const real = byName.get(rel.name);
    if (real && satisfiesVersion(real.version, rel)) out.push(real.name);
    const provs = (providers.get(rel.name) ?? []).filter((p) => !rel.op || (p.version !== undefined && satisfiesVersion(p.version, rel)));
    provs.sort((a, b) => (PRIORITY_RANK[a.pkg.priority] ?? 5) - (PRIORITY_RANK[b.pkg.priority] ?? 5) || a.pkg.name.localeCompare(b.pkg.name));
    for (const p of provs) if (!out.includes(p.pkg.name)) out.push(p.pkg.name);
    return out;
  };
  const coveredByBase = (group: Relation[]) => group.some((rel) => candidates(rel).some((c) => inBase.has(c)));

  const leftOut = new Map<string, string>();
  for (const pkg of packages) {
    const reason =
      rules.leaveOut[pkg.name] ??
      rules.leaveOutSections[pkg.section] ??
      (inBase.has(pkg.name) ? (pkg.essential ? "Essential: the base system stands in for it" : "part of the base system") : undefined) ??
      (/\btransitional\b/i.test(pkg.description) ? "a transitional package: choose the package it points to" : undefined);
    if (reason) leftOut.set(pkg.name, reason);
  }
  for (const [file, owners] of rules.baseFileOwners ?? [])
    for (const owner of owners) if (!leftOut.has(owner)) leftOut.set(owner, `ships /${file}, which the live system's base writes itself`);
  // A package that ships a file of a base package would overwrite the base.
  const realBase = new Set(rules.base);
  for (const [file, owners] of files) {
    const base = owners.find((o) => realBase.has(o));
    if (base) for (const owner of owners) if (!leftOut.has(owner)) leftOut.set(owner, `ships /${file}, which the base system's ${base} ships`);
  }

  const groups = new Map(
    packages.map((p) => [p.name, p.depends.filter((g) => !coveredByBase(g)).map((g) => g.map((rel) => ({ rel, names: candidates(rel) })))]),
  );
  const depends = new Map<string, string[]>();
  for (let round = 0; ; round++) {
    propagate(packages, groups, leftOut);
    depends.clear();
    for (const pkg of packages) {
      if (leftOut.has(pkg.name)) continue;
      const deps: string[] = [];
      for (const group of groups.get(pkg.name)!) {
        const pick = group.flatMap((alt) => alt.names).find((n) => !leftOut.has(n))!;
        if (!deps.includes(pick)) deps.push(pick);
      }
      depends.set(pkg.name, deps);
    }
    // A package whose own closure holds two packages that conflict or collide cannot be offered either.
    const conflicts = conflictPairs(packages, byName, candidates, leftOut);
    const clashes = clashPairs(files, leftOut);
    let changed = false;
    for (const name of depends.keys()) {
      const closure = walk(depends, [name]);
      const problem = firstPairIn(closure, conflicts, "conflict") ?? firstPairIn(closure, clashes, "both ship");
      if (problem) {
        leftOut.set(name, `its dependencies cannot share one system: ${problem}`);
        changed = true;
      }
    }
    if (!changed || round > 8) {
      const offered = new Map<string, ResolvedPackage>();
      for (const [name, deps] of depends)
        offered.set(name, {
          depends: deps,
          conflicts: [...(conflicts.get(name)?.keys() ?? [])].sort(),
          clashes: [...(clashes.get(name)?.entries() ?? [])].sort((a, b) => a[0].localeCompare(b[0])),
        });
      return { offered, leftOut };
    }
  }
}

type Groups = Map<string, { rel: Relation; names: string[] }[][]>;

/** Leaves out, until nothing changes, every package with a dependency group whose candidates are all left out. */
function propagate(packages: IndexPackage[], groups: Groups, leftOut: Map<string, string>): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const pkg of packages) {
      if (leftOut.has(pkg.name)) continue;
      for (const group of groups.get(pkg.name)!) {
        const names = group.flatMap((alt) => alt.names);
        if (names.some((n) => !leftOut.has(n))) continue;
        const text = group.map((alt) => formatRelation(alt.rel)).join(" | ");
        const root = names[0];
        leftOut.set(
          pkg.name,
          root ? `needs ${text}: ${root} is left out (${rootReason(leftOut.get(root)!)})` : `needs ${text}, which nothing in the pinned index provides`,
        );
        changed = true;
        break;
      }
    }
  }
}

/** The first cause of a chain of "needs ...: X is left out (...)" reasons, so a report line stays short. */
function rootReason(reason: string): string {
  const m = /^needs .*? is left out \((.*)\)$/.exec(reason);
  return m ? m[1]! : reason;
}

function conflictPairs(
  packages: IndexPackage[],
  byName: Map<string, IndexPackage>,
  candidates: (rel: Relation) => string[],
  leftOut: Map<string, string>,
): Map<string, Map<string, string>> {
  const pairs = new Map<string, Map<string, string>>();
  const add = (a: string, b: string, why: string) => {
    if (!pairs.has(a)) pairs.set(a, new Map());
    pairs.get(a)!.set(b, why);
  };
  for (const pkg of packages) {
    if (leftOut.has(pkg.name)) continue;
    for (const rel of pkg.conflicts) {
      // An unversioned conflict with a virtual name hits every provider; a versioned one only the real package.
      const hits = rel.op ? candidates(rel).filter((n) => byName.get(n)!.name === rel.name) : candidates(rel);
      for (const other of hits) {
        if (other === pkg.name || leftOut.has(other)) continue;
        add(pkg.name, other, `${pkg.name} conflicts with ${other}`);
        add(other, pkg.name, `${pkg.name} conflicts with ${other}`);
      }
    }
  }
  return pairs;
}

function clashPairs(files: [string, string[]][], leftOut: Map<string, string>): Map<string, Map<string, string>> {
  const pairs = new Map<string, Map<string, string>>();
  for (const [file, owners] of files) {
    const live = owners.filter((o) => !leftOut.has(o));
    for (const a of live)
      for (const b of live) {
        if (a === b) continue;
        if (!pairs.has(a)) pairs.set(a, new Map());
        if (!pairs.get(a)!.has(b)) pairs.get(a)!.set(b, file);
      }
  }
  return pairs;
}

function firstPairIn(closure: Set<string>, pairs: Map<string, Map<string, string>>, verb: string): string | undefined {
  for (const a of [...closure].sort())
    for (const [b, why] of pairs.get(a) ?? []) if (closure.has(b)) return verb === "conflict" ? why : `${a} and ${b} both ship /${why}`;
  return undefined;
}

/** Every package reachable from `start` through `depends` (cycles are fine: each is visited once). */
export function walk(depends: { get(name: string): readonly string[] | undefined }, start: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of depends.get(name) ?? []) if (!seen.has(dep)) queue.push(dep);
  }
  return seen;
}

/** What the selection-time checks read of each package (a slice of the catalog is enough: the closure's entries). */
export type ClosureEntry = { id: string; sizeBytes: number; debian?: { depends: string[]; conflicts: string[]; clashes: [string, string][] } };

/** The packages a set of chosen packages installs, in a stable order: the chosen ones and everything they pull in. */
export function closureOf(entries: ReadonlyMap<string, ClosureEntry>, chosen: string[]): string[] {
  return [...walk({ get: (n) => entries.get(n)?.debian?.depends }, chosen)].sort();
}

/** Installed bytes of a closure, each package counted once however many chosen packages share it. */
export function closureBytes(entries: ReadonlyMap<string, ClosureEntry>, closure: Iterable<string>): number {
  let sum = 0;
  for (const id of closure) sum += entries.get(id)?.sizeBytes ?? 0;
  return sum;
}

export type ClosureProblem =
  { kind: "missing"; package: string; neededBy: string } | { kind: "conflict"; a: string; b: string } | { kind: "clash"; a: string; b: string; file: string };

/** Conflicts and file clashes inside the closure of `chosen`, each pair once; a package absent from `entries` is missing. */
export function closureProblems(entries: ReadonlyMap<string, ClosureEntry>, chosen: string[]): ClosureProblem[] {
  const closure = new Set(closureOf(entries, chosen));
  const problems: ClosureProblem[] = [];
  const seen = new Set<string>();
  for (const id of [...closure].sort()) {
    const entry = entries.get(id);
    if (!entry) continue;
    for (const dep of entry.debian?.depends ?? []) if (!entries.has(dep)) problems.push({ kind: "missing", package: dep, neededBy: id });
    for (const other of entry.debian?.conflicts ?? []) {
      const key = [id, other].sort().join(" ");
      if (!closure.has(other) || seen.has(key)) continue;
      seen.add(key);
      problems.push({ kind: "conflict", a: id, b: other });
    }
    for (const [other, file] of entry.debian?.clashes ?? []) {
      const key = [id, other].sort().join(" ");
      if (!closure.has(other) || seen.has(key)) continue;
      seen.add(key);
      problems.push({ kind: "clash", a: id, b: other, file });
    }
  }
  return problems;
}
