import { CATALOG_ID } from "./catalog";
import { canonicalizeSelection, type Selection, type SelectionProblem } from "./selection";

/**
 * The profile as a small text file: one `key = value` line per role and per package.
 *
 *   # ZXCV profile: laptop / desktop
 *   channel = mini
 *   bootloader = grub
 *   shell = bash
 *   package = htop
 *
 * Swapping an alternative is changing one line. `#` starts a comment.
 */
export const PROFILE_TEXT_MAX_BYTES = 64 * 1024;

export type ProfileTextError = { line: number; message: string };

export type ParsedProfileText =
  | { ok: true; selection: Selection; lineOf: (subject: SelectionProblem["subject"]) => number | undefined }
  | { ok: false; errors: ProfileTextError[] };

export function parseProfileText(text: string): ParsedProfileText {
  const errors: ProfileTextError[] = [];
  // TextEncoder, not Buffer: the configurator parses in the browser too.
  if (new TextEncoder().encode(text).length > PROFILE_TEXT_MAX_BYTES) {
    return { ok: false, errors: [{ line: 1, message: `the profile is larger than ${PROFILE_TEXT_MAX_BYTES / 1024} KB: a profile is a few lines, is this the right file?` }] };
  }
  let channel: string | undefined;
  const roles: Record<string, string> = {};
  const packages: string[] = [];
  const roleLines = new Map<string, number>();
  const packageLines = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(line);
    if (!match) {
      errors.push({ line: lineNo, message: `expected "name = value", found "${truncate(raw.trim())}"` });
      return;
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (!CATALOG_ID.test(key)) {
      errors.push({ line: lineNo, message: `"${truncate(key)}" is not a valid role name (lower-case letters, digits and + . _ - only)` });
      return;
    }
    if (!CATALOG_ID.test(value)) {
      errors.push({ line: lineNo, message: `"${truncate(value)}" is not a valid name (lower-case letters, digits and + . _ - only)` });
      return;
    }
    if (key === "channel") {
      if (channel !== undefined) errors.push({ line: lineNo, message: "channel is given twice" });
      channel = value;
    } else if (key === "package") {
      if (packageLines.has(value)) errors.push({ line: lineNo, message: `package "${value}" is listed twice (first on line ${packageLines.get(value)})` });
      packageLines.set(value, lineNo);
      packages.push(value);
    } else {
      if (roleLines.has(key)) {
        errors.push({ line: lineNo, message: `${key} is set twice (first on line ${roleLines.get(key)}): a role takes one alternative` });
        return;
      }
      roleLines.set(key, lineNo);
      roles[key] = value;
    }
  });
  if (channel === undefined && errors.length === 0) errors.push({ line: 1, message: 'no "channel = ..." line: add one, e.g. "channel = mini"' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    selection: { channel: channel!, roles, packages },
    lineOf: (subject) => ("package" in subject ? packageLines.get(subject.package) : roleLines.get(subject.role)),
  };
}

/** Writes a selection as profile text, roles in catalog order when an order is given, packages sorted. */
export function formatProfileText(selection: Selection, options: { title?: string; roleOrder?: string[] } = {}): string {
  const canonical = canonicalizeSelection(selection);
  const order = options.roleOrder ?? [];
  const roleIds = Object.keys(canonical.roles).sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  const out: string[] = [];
  if (options.title) out.push(`# ZXCV profile: ${options.title.replace(/[\r\n]+/g, " ")}`);
  out.push(`channel = ${canonical.channel}`);
  for (const roleId of roleIds) out.push(`${roleId} = ${canonical.roles[roleId]}`);
  for (const pkg of canonical.packages) out.push(`package = ${pkg}`);
  return out.join("\n") + "\n";
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i === -1 ? order.length : i;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
