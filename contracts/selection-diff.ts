import { findPackage, findRole, type Catalog } from "./catalog";
import type { Selection } from "./selection";

/** One readable line of a diff between two selections. */
export type SelectionChange =
  | { kind: "swapped"; role: string; from: string; to: string; text: string }
  | { kind: "added"; role?: string; package?: string; text: string }
  | { kind: "removed"; role?: string; package?: string; text: string };

/**
 * What changed from `before` to `after`: roles whose alternative was swapped, and roles or packages
 * added or removed. Labels come from the catalog when it knows the name, the raw id otherwise.
 * Roles are listed in catalog order, packages alphabetically.
 */
export function diffSelections(before: Selection, after: Selection, catalog?: Catalog): SelectionChange[] {
  const changes: SelectionChange[] = [];
  const roleLabel = (id: string) => (catalog && findRole(catalog, id)?.label) || id;
  const altLabel = (roleId: string, altId: string) => (catalog && findRole(catalog, roleId)?.alternatives.find((a) => a.id === altId)?.label) || altId;
  const pkgLabel = (id: string) => (catalog && findPackage(catalog, id)?.label) || id;

  const order = catalog?.roles.map((r) => r.id) ?? [];
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const roleIds = [...new Set([...Object.keys(before.roles), ...Object.keys(after.roles)])].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const role of roleIds) {
    const from = before.roles[role];
    const to = after.roles[role];
    if (from === to) continue;
    if (from !== undefined && to !== undefined) {
      changes.push({ kind: "swapped", role, from, to, text: `${roleLabel(role)}: ${altLabel(role, from)} → ${altLabel(role, to)}` });
    } else if (to !== undefined) {
      changes.push({ kind: "added", role, text: `${roleLabel(role)}: ${altLabel(role, to)}` });
    } else if (from !== undefined) {
      changes.push({ kind: "removed", role, text: `${roleLabel(role)}: ${altLabel(role, from)}` });
    }
  }
  const beforePkgs = new Set(before.packages);
  const afterPkgs = new Set(after.packages);
  for (const pkg of [...new Set([...beforePkgs, ...afterPkgs])].sort()) {
    if (beforePkgs.has(pkg) && !afterPkgs.has(pkg)) changes.push({ kind: "removed", package: pkg, text: `package ${pkgLabel(pkg)}` });
    if (!beforePkgs.has(pkg) && afterPkgs.has(pkg)) changes.push({ kind: "added", package: pkg, text: `package ${pkgLabel(pkg)}` });
  }
  return changes;
}
