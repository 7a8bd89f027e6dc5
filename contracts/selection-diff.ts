import { findPackage, findRole, type Catalog } from "./catalog";
import { base64Bytes, type Customizations } from "./customizations";
import type { Selection } from "./selection";

/** One readable line of a diff between two selections. */
export type SelectionChange =
  | { kind: "swapped"; role: string; from: string; to: string; text: string }
  | { kind: "added"; role?: string; package?: string; text: string }
  | { kind: "removed"; role?: string; package?: string; text: string }
  | { kind: "changed"; customization: string; text: string };

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
  return [...changes, ...diffCustomizations(before.customizations, after.customizations)];
}

/** One line per customization that differs: hostname, each user, root, kernel arguments, each file, the script. */
function diffCustomizations(before: Customizations | undefined, after: Customizations | undefined): SelectionChange[] {
  const changes: SelectionChange[] = [];
  const emit = (customization: string, from: unknown, to: unknown, describe: (v: never) => string) => {
    if (JSON.stringify(from) === JSON.stringify(to)) return;
    if (from === undefined) changes.push({ kind: "added", text: `${customization} ${describe(to as never)}` });
    else if (to === undefined) changes.push({ kind: "removed", text: `${customization} ${describe(from as never)}` });
    else changes.push({ kind: "changed", customization, text: `${customization}: ${describe(from as never)} → ${describe(to as never)}` });
  };
  emit("hostname", before?.hostname, after?.hostname, (h: string) => h);
  emit("timezone", before?.timezone, after?.timezone, (z: string) => z);
  emit("keymap", before?.keymap, after?.keymap, (k: string) => k);
  const keysText = (keys: string[]) => (keys.length ? `keys ${keys.map(keyName).join(", ")}` : "no keys");
  const userText = (u: Customizations["users"][number]) =>
    `${u.name} (${u.groups.length ? `groups ${u.groups.join(",")}` : "no groups"}, ${keysText(u.keys)}${u.passwordHash ? ", password set" : ""})`;
  const users = (c?: Customizations) => new Map((c?.users ?? []).map((u) => [u.name, u]));
  const [ub, ua] = [users(before), users(after)];
  for (const name of [...new Set([...ub.keys(), ...ua.keys()])].sort()) emit("user", ub.get(name), ua.get(name), userText);
  const rootText = (r: NonNullable<Customizations["root"]>) => `${keysText(r.keys)}${r.passwordHash ? ", password set" : ", password locked"}`;
  emit("root", before?.root, after?.root, rootText);
  const args = (c?: Customizations) => (c?.kernelArgs.length ? c.kernelArgs : undefined);
  emit("kernel arguments", args(before), args(after), (a: string[]) => a.join(" "));
  const fileText = (f: Customizations["files"][number]) => `${f.path} (mode ${f.mode}, ${base64Bytes(f.content) ?? 0} bytes)`;
  const files = (c?: Customizations) => new Map((c?.files ?? []).map((f) => [f.path, f]));
  const [fb, fa] = [files(before), files(after)];
  for (const path of [...new Set([...fb.keys(), ...fa.keys()])].sort()) emit("file", fb.get(path), fa.get(path), fileText);
  emit("first-boot script", before?.firstBoot || undefined, after?.firstBoot || undefined, (s: string) => plural(s.split("\n").filter(Boolean).length, "line"));
  return changes;
}

/** A key by its comment, or its type and the end of its blob. */
function keyName(key: string): string {
  const [type = "", blob = "", ...comment] = key.split(" ");
  return comment.length ? comment.join(" ") : `${type} …${blob.slice(-8)}`;
}

function plural(n: number, word: string): string {
  return `(${n} ${word}${n === 1 ? "" : "s"})`;
}
