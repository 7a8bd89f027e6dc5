// A pure, synchronous sha256 (audited, no dependencies): node:crypto would ship a 595 KB polyfill to the browser.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { catalogIdSchema, describeRef, findPackage, findRole, packagesById, type Catalog, type CatalogRef } from "./catalog";
import { closureOf, closureProblems } from "./resolver";
import { canonicalizeCustomizations, customizationBytes, customizationsFields, isEmptyCustomizations, validateCustomizations } from "./customizations";

/**
 * What a person chose: one alternative per role and a set of optional packages.
 * This JSON (a few hundred bytes) is all a build host receives; a fixed Nix expression reads it.
 */
export const selectionSchema = z.strictObject({
  channel: catalogIdSchema,
  roles: z.record(catalogIdSchema, catalogIdSchema),
  packages: z.array(catalogIdSchema).max(500),
  /** Hostname, users, kernel arguments, files, first-boot script (contracts/customizations.ts); absent when none. */
  customizations: customizationsFields
    .optional()
    .meta({ description: "Hostname, users, root, kernel arguments, files and first-boot script (docs/customizations.md); file content is base64" }),
});
export type Selection = z.infer<typeof selectionSchema>;

/** The same selection always serialises to the same bytes: sorted roles, sorted unique packages. */
export function canonicalizeSelection(selection: Selection): Selection {
  const roles: Record<string, string> = {};
  for (const key of Object.keys(selection.roles).sort()) roles[key] = selection.roles[key]!;
  const customizations = isEmptyCustomizations(selection.customizations) ? {} : { customizations: canonicalizeCustomizations(selection.customizations!) };
  return { channel: selection.channel, roles, packages: [...new Set(selection.packages)].sort(), ...customizations };
}

export function canonicalSelectionJson(selection: Selection): string {
  return JSON.stringify(canonicalizeSelection(selection));
}

/** sha256 of the canonical JSON: equal selections have equal hashes, whatever their order. */
export function selectionHash(selection: Selection): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalSelectionJson(selection))));
}

export function defaultSelection(catalog: Catalog): Selection {
  const roles: Record<string, string> = {};
  for (const role of catalog.roles) roles[role.id] = role.default;
  return { channel: catalog.channel, roles, packages: [] };
}

/** A one-click repair the configurator can offer for a problem. */
export type SelectionFix =
  | { kind: "set-role"; role: string; alternative: string; label: string }
  | { kind: "add-package"; package: string; label: string }
  | { kind: "remove-package"; package: string; label: string };

/**
 * Every kind of problem, once. The structural ones name something the catalog does not have (such a selection
 * cannot even be stored); conflicts and missing requirements are choices the person can still fix later.
 */
export const STRUCTURAL_PROBLEM_CODES = [
  "wrong-channel",
  "unknown-role",
  "missing-role",
  "unknown-alternative",
  "unknown-package",
  "duplicate-package",
  "invalid-customization",
] as const;
export const PROBLEM_CODES = [...STRUCTURAL_PROBLEM_CODES, "conflict", "missing-requirement", "customization-needs-ssh"] as const;
export type SelectionProblemCode = (typeof PROBLEM_CODES)[number];

export type SelectionProblem = {
  code: SelectionProblemCode;
  message: string;
  /** The role or package the problem is about, so a text view can point at its line. */
  subject: { role: string } | { package: string } | { customization: string };
  fixes: SelectionFix[];
};

/** A problem that makes the selection unstorable (see STRUCTURAL_PROBLEM_CODES). */
export function isStructuralProblem(problem: SelectionProblem): boolean {
  return (STRUCTURAL_PROBLEM_CODES as readonly string[]).includes(problem.code);
}

function isSelected(selection: Selection, ref: CatalogRef): boolean {
  if ("package" in ref) return selection.packages.includes(ref.package);
  return selection.roles[ref.role] === ref.alternative;
}

function fixFor(catalog: Catalog, ref: CatalogRef, want: boolean): SelectionFix | undefined {
  if ("package" in ref) {
    return want
      ? { kind: "add-package", package: ref.package, label: `Add ${describeRef(catalog, ref)}` }
      : { kind: "remove-package", package: ref.package, label: `Remove ${describeRef(catalog, ref)}` };
  }
  if (want) return { kind: "set-role", role: ref.role, alternative: ref.alternative, label: `Use ${describeRef(catalog, ref)}` };
  const role = findRole(catalog, ref.role);
  const other = role?.alternatives.find((alt) => alt.id !== ref.alternative);
  if (!role || !other) return undefined;
  return { kind: "set-role", role: ref.role, alternative: other.id, label: `Use ${role.label} ${other.label} instead` };
}

/**
 * Checks every name against the channel's catalog, then every requirement and conflict.
 * An empty list means the selection can be built; nothing is evaluated before this passes.
 */
export function validateSelection(catalog: Catalog, selection: Selection): SelectionProblem[] {
  const problems: SelectionProblem[] = [];
  if (selection.channel !== catalog.channel) {
    problems.push({ code: "wrong-channel", message: `channel "${selection.channel}" is not "${catalog.channel}"`, subject: { role: "channel" }, fixes: [] });
    return problems;
  }
  for (const [roleId, altId] of Object.entries(selection.roles)) {
    const role = findRole(catalog, roleId);
    if (!role) {
      problems.push({
        code: "unknown-role",
        message: `unknown role "${roleId}": the ${catalog.channel} channel has ${catalog.roles.map((r) => r.id).join(", ")}`,
        subject: { role: roleId },
        fixes: [],
      });
    } else if (!role.alternatives.some((alt) => alt.id === altId)) {
      problems.push({
        code: "unknown-alternative",
        message: `${role.label} has no alternative "${altId}": choose one of ${role.alternatives.map((a) => a.id).join(", ")}`,
        subject: { role: roleId },
        fixes: [{ kind: "set-role", role: roleId, alternative: role.default, label: `Use ${role.alternatives.find((a) => a.id === role.default)?.label}` }],
      });
    }
  }
  for (const role of catalog.roles) {
    if (!(role.id in selection.roles)) {
      problems.push({
        code: "missing-role",
        message: `no ${role.label} chosen: pick one of ${role.alternatives.map((a) => a.id).join(", ")}`,
        subject: { role: role.id },
        fixes: [{ kind: "set-role", role: role.id, alternative: role.default, label: `Use ${role.alternatives.find((a) => a.id === role.default)?.label}` }],
      });
    }
  }
  const seen = new Set<string>();
  for (const pkgId of selection.packages) {
    if (seen.has(pkgId)) {
      problems.push({ code: "duplicate-package", message: `package "${pkgId}" is listed twice`, subject: { package: pkgId }, fixes: [] });
    }
    seen.add(pkgId);
    if (!findPackage(catalog, pkgId)) {
      problems.push({
        code: "unknown-package",
        message: `unknown package "${pkgId}": it is not in the ${catalog.channel} channel's catalog`,
        subject: { package: pkgId },
        fixes: [{ kind: "remove-package", package: pkgId, label: `Remove ${pkgId}` }],
      });
    }
  }
  for (const issue of validateCustomizations(selection.customizations ?? customizationsFields.parse({}))) {
    problems.push({ code: "invalid-customization", message: issue.message, subject: { customization: issue.field }, fixes: [] });
  }
  if (problems.length > 0) return problems;
  if (!isEmptyCustomizations(selection.customizations) && (selection.roles.ssh ?? "none") === "none" && findRole(catalog, "ssh")) {
    const ssh = findRole(catalog, "ssh")!;
    const server = ssh.alternatives.find((a) => a.id !== "none");
    problems.push({
      code: "customization-needs-ssh",
      message: "customizations are proven by logging in over SSH before the ISO is published: choose an SSH server",
      subject: { role: "ssh" },
      fixes: server ? [{ kind: "set-role", role: "ssh", alternative: server.id, label: `Use ${ssh.label} ${server.label}` }] : [],
    });
  }

  const chosen: { ref: CatalogRef; label: string; requires: CatalogRef[]; conflicts: CatalogRef[] }[] = [];
  for (const role of catalog.roles) {
    const alt = role.alternatives.find((a) => a.id === selection.roles[role.id])!;
    chosen.push({ ref: { role: role.id, alternative: alt.id }, label: `${role.label} ${alt.label}`, requires: alt.requires, conflicts: alt.conflicts });
  }
  for (const pkgId of selection.packages) {
    const pkg = findPackage(catalog, pkgId)!;
    chosen.push({ ref: { package: pkg.id }, label: pkg.label, requires: pkg.requires, conflicts: pkg.conflicts });
  }
  const reported = new Set<string>();
  for (const item of chosen) {
    const subject = "package" in item.ref ? { package: item.ref.package } : { role: item.ref.role };
    for (const need of item.requires) {
      if (isSelected(selection, need)) continue;
      const fixes = [fixFor(catalog, need, true), fixFor(catalog, item.ref, false)].filter((f): f is SelectionFix => f !== undefined);
      problems.push({ code: "missing-requirement", message: `${item.label} requires ${describeRef(catalog, need)}`, subject, fixes });
    }
    for (const clash of item.conflicts) {
      if (!isSelected(selection, clash)) continue;
      const key = [JSON.stringify(item.ref), JSON.stringify(clash)].sort().join("|");
      if (reported.has(key)) continue;
      reported.add(key);
      const fixes = [fixFor(catalog, clash, false), fixFor(catalog, item.ref, false)].filter((f): f is SelectionFix => f !== undefined);
      problems.push({ code: "conflict", message: `${item.label} conflicts with ${describeRef(catalog, clash)}`, subject, fixes });
    }
  }
  return [...problems, ...dependencyProblems(catalog, selection)];
}

/**
 * What the chosen packages pull in, checked before any build: Debian conflicts and files two packages ship, each
 * named with the chosen packages that bring them in, and the fix of removing one of those.
 */
function dependencyProblems(catalog: Catalog, selection: Selection): SelectionProblem[] {
  const entries = packagesById(catalog);
  const problems: SelectionProblem[] = [];
  const bringing = (id: string) => selection.packages.filter((chosen) => closureOf(entries, [chosen]).includes(id));
  const via = (id: string) => (selection.packages.includes(id) ? id : `${id} (needed by ${bringing(id).join(", ")})`);
  for (const p of closureProblems(entries, selection.packages)) {
    if (p.kind === "missing") {
      const subject = { package: bringing(p.neededBy)[0] ?? p.neededBy };
      problems.push({ code: "missing-requirement", message: `${p.neededBy} needs ${p.package}, which the catalog does not offer`, subject, fixes: [] });
      continue;
    }
    const culprits = [...new Set([...bringing(p.b), ...bringing(p.a)])];
    const fixes: SelectionFix[] = culprits.map((id) => ({ kind: "remove-package", package: id, label: `Remove ${id}` }));
    const message = p.kind === "conflict" ? `${via(p.a)} conflicts with ${via(p.b)}` : `${via(p.a)} and ${via(p.b)} both ship /${p.file}`;
    problems.push({ code: "conflict", message, subject: { package: culprits[0]! }, fixes });
  }
  return problems;
}

export function applyFix(selection: Selection, fix: SelectionFix): Selection {
  switch (fix.kind) {
    case "set-role":
      return { ...selection, roles: { ...selection.roles, [fix.role]: fix.alternative } };
    case "add-package":
      return { ...selection, packages: [...new Set([...selection.packages, fix.package])] };
    case "remove-package":
      return { ...selection, packages: selection.packages.filter((p) => p !== fix.package) };
  }
}

/** Where some packages' sizes come from: what builds measured, the archive's Installed-Size, or some of each. */
export function sizeSourceText(measured: number, packages: number): string {
  if (measured === 0) return "from the archive";
  return measured >= packages ? "measured" : `${measured} of ${packages} measured, the rest from the archive`;
}

/**
 * Estimated ISO size split by what takes the space, largest first (packages: the bytes of their closure, measured
 * by a build where one did, else Installed-Size; `source` says which).
 */
export function estimateSize(catalog: Catalog, selection: Selection): { label: string; bytes: number; source?: string }[] {
  const parts: { label: string; bytes: number; source?: string }[] = [{ label: "Base system", bytes: catalog.baseSizeBytes }];
  for (const role of catalog.roles) {
    const alt = role.alternatives.find((a) => a.id === selection.roles[role.id]);
    if (alt) parts.push({ label: `${role.label}: ${alt.label}`, bytes: alt.sizeBytes });
  }
  // Each chosen package with what it pulls in that no package before it already brought: shared libraries count once.
  const entries = packagesById(catalog);
  const counted = new Set<string>();
  for (const pkgId of [...selection.packages].sort()) {
    const pkg = findPackage(catalog, pkgId);
    if (!pkg) continue;
    const added = closureOf(entries, [pkgId]).filter((id) => !counted.has(id));
    added.forEach((id) => counted.add(id));
    const label = added.length > 1 ? `${pkg.label} (+${added.length - 1} dependencies)` : pkg.label;
    const measured = added.filter((id) => entries.get(id)?.sizeMeasured).length;
    parts.push({ label, bytes: added.reduce((sum, id) => sum + (entries.get(id)?.sizeBytes ?? 0), 0), source: sizeSourceText(measured, added.length) });
  }
  const custom = customizationBytes(selection.customizations);
  if (custom > 0) parts.push({ label: "Customizations: files, script, keys", bytes: custom });
  return parts.sort((a, b) => b.bytes - a.bytes);
}
