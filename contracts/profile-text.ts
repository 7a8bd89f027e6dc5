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
  { ok: true; selection: Selection; lineOf: (subject: SelectionProblem["subject"]) => number | undefined } | { ok: false; errors: ProfileTextError[] };

export function parseProfileText(text: string): ParsedProfileText {
  const errors: ProfileTextError[] = [];
  // TextEncoder, not Buffer: the configurator parses in the browser too.
  if (new TextEncoder().encode(text).length > PROFILE_TEXT_MAX_BYTES) {
    return {
      ok: false,
      errors: [{ line: 1, message: `the profile is larger than ${PROFILE_TEXT_MAX_BYTES / 1024} KB: a profile is a few lines, is this the right file?` }],
    };
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

/** Whose profile a text is: its first line reads `# ZXCV profile: laptop / desktop (revision 3)`. */
export type ProfileTextTitle = { machine: string; profile: string; revision?: number };

/**
 * The one way a selection becomes profile text (export, API, share pages, downloads, the text view): a title line,
 * the channel, roles in name order, packages sorted. The same revision gives the same bytes everywhere.
 */
export function formatProfileText(selection: Selection, title?: ProfileTextTitle): string {
  const canonical = canonicalizeSelection(selection);
  const out: string[] = [];
  if (title) {
    const revision = title.revision === undefined ? "" : ` (revision ${title.revision})`;
    out.push(`# ZXCV profile: ${`${title.machine} / ${title.profile}`.replace(/[\r\n]+/g, " ")}${revision}`);
  }
  out.push(`channel = ${canonical.channel}`);
  for (const [roleId, alternative] of Object.entries(canonical.roles)) out.push(`${roleId} = ${alternative}`);
  for (const pkg of canonical.packages) out.push(`package = ${pkg}`);
  return out.join("\n") + "\n";
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
