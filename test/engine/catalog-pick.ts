import { closureBytes, closureOf, closureProblems, type ClosureEntry } from "../../contracts/resolver";
import type { Catalog } from "../../contracts/catalog";

/**
 * 25 popular command-line packages of the generated catalog, by a rule (no hand list to tune):
 * its main command is /usr/bin/<its own name>; Debian files it under a command-line section with priority optional
 * (added by choice, not part of what Debian's own base needs); its closure is small
 * (at most 8 packages, 16 MB installed); ranked by how many offered packages depend on it (the index's own measure
 * of use), then by name; taken in that order, skipping one whose closure conflicts or collides with those taken.
 */
export function popularCommandLinePackages(catalog: Catalog, count = 25): string[] {
  const sections = new Set(["utils", "admin", "net", "text", "editors", "shells", "vcs", "web", "interpreters", "misc"]);
  const entries = new Map<string, ClosureEntry>(catalog.packages.map((p) => [p.id, p]));
  const users = new Map<string, number>();
  for (const p of catalog.packages) for (const d of p.debian?.depends ?? []) users.set(d, (users.get(d) ?? 0) + 1);
  const candidates = catalog.packages
    .filter((p) => p.debian?.command === `/usr/bin/${p.id}` && sections.has(p.category) && p.debian.priority === "optional")
    .filter((p) => {
      const closure = closureOf(entries, [p.id]);
      return closure.length <= 8 && closureBytes(entries, closure) <= 16 * 1024 * 1024;
    })
    .sort((a, b) => (users.get(b.id) ?? 0) - (users.get(a.id) ?? 0) || a.id.localeCompare(b.id));
  const picked: string[] = [];
  for (const p of candidates) {
    if (picked.length === count) break;
    if (closureProblems(entries, [...picked, p.id]).length === 0) picked.push(p.id);
  }
  return picked;
}
