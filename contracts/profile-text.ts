import { CATALOG_ID } from "./catalog";
import { base64ToText, controlCharacterProblem, textToBase64, type CustomFile, type Customizations, type CustomUser } from "./customizations";
import { canonicalizeSelection, type Selection, type SelectionProblem } from "./selection";

/**
 * The profile as a small text file: one `key = value` line per role, per package and per customization.
 *
 *   # ZXCV profile: laptop / desktop
 *   channel = mini
 *   bootloader = grub
 *   shell = bash
 *   package = htop
 *   hostname = lab-01
 *   timezone = Europe/Berlin
 *   keymap = de
 *   kernel-arg = mitigations=off
 *   user = alice groups=admin
 *   ssh-key = alice ssh-ed25519 AAAA... alice@laptop
 *   password = alice $6$...
 *   file = /etc/motd mode=0644
 *     | Welcome to lab-01
 *   file = /usr/local/bin/tool mode=0755 base64:f0VMRgI...
 *   first-boot =
 *     | echo hello from first boot
 *
 * Swapping an alternative is changing one line. `#` starts a comment (not inside `| ` content lines, which are taken
 * as written). Keys and the password of root are `ssh-key = root ...` and `password = root ...`.
 */
export const PROFILE_TEXT_MAX_BYTES = 2 * 1024 * 1024;
export const PROFILE_TEXT_MAX_LINES = 5000;
/** Longer text content is written as one base64: line, so a profile stays under PROFILE_TEXT_MAX_LINES. */
const TEXT_CONTENT_MAX_LINES = 1000;

export type ProfileTextError = { line: number; message: string };

export type ParsedProfileText =
  { ok: true; selection: Selection; lineOf: (subject: SelectionProblem["subject"]) => number | undefined } | { ok: false; errors: ProfileTextError[] };

const CUSTOM_KEYS = new Set(["hostname", "timezone", "keymap", "kernel-arg", "user", "ssh-key", "password", "file", "first-boot"]);

type Block = { lines: string[]; done: (text: string) => void };

export function parseProfileText(text: string): ParsedProfileText {
  const errors: ProfileTextError[] = [];
  // TextEncoder, not Buffer: the configurator parses in the browser too.
  if (new TextEncoder().encode(text).length > PROFILE_TEXT_MAX_BYTES) {
    return {
      ok: false,
      errors: [{ line: 1, message: `the profile is larger than ${PROFILE_TEXT_MAX_BYTES / 1024} KB: a profile is a few lines, is this the right file?` }],
    };
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > PROFILE_TEXT_MAX_LINES) {
    return {
      ok: false,
      errors: [
        {
          line: PROFILE_TEXT_MAX_LINES + 1,
          message: `the profile has ${lines.length} lines; a profile is at most ${PROFILE_TEXT_MAX_LINES} (give a long file as one "base64:..." line): is this the right file?`,
        },
      ],
    };
  }
  let channel: string | undefined;
  const roles: Record<string, string> = {};
  const packages: string[] = [];
  const roleLines = new Map<string, number>();
  const packageLines = new Map<string, number>();
  const custom = { users: [] as CustomUser[], kernelArgs: [] as string[], files: [] as CustomFile[] } as Customizations;
  const customLines = new Map<string, number>();
  let customized = false;
  let block: Block | undefined;
  const closeBlock = () => {
    block?.done(block.lines.map((l) => `${l}\n`).join(""));
    block = undefined;
  };
  const userOf = (name: string, lineNo: number): { keys: string[]; passwordHash?: string } | undefined => {
    if (name === "root") return (custom.root ??= { keys: [] });
    const user = custom.users.find((u) => u.name === name);
    if (!user) errors.push({ line: lineNo, message: `there is no "user = ${truncate(name)}" line above this one: add the user first` });
    return user;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const content = /^\s*\|( ?)(.*)$/.exec(raw);
    if (content) {
      if (!block) errors.push({ line: lineNo, message: 'a "| " content line must follow a "file = ..." or "first-boot =" line (or another content line)' });
      else {
        const problem = controlCharacterProblem(content[2]!, false);
        if (problem) errors.push({ line: lineNo, message: `this content line ${problem}: give binary content as "base64:..." on the file line` });
        block.lines.push(content[2]!);
      }
      return;
    }
    closeBlock();
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const custMatch = /^([a-z-]+)\s*=\s*(.*)$/.exec(line);
    if (custMatch && CUSTOM_KEYS.has(custMatch[1]!)) {
      customized = true;
      const [, key, value] = custMatch as unknown as [string, string, string];
      const problem = controlCharacterProblem(raw, false);
      if (problem) {
        errors.push({ line: lineNo, message: `this line ${problem}` });
        return;
      }
      parseCustomLine(key, value, lineNo);
      return;
    }
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
  closeBlock();

  function parseCustomLine(key: string, value: string, lineNo: number) {
    const words = value.split(/\s+/).filter(Boolean);
    switch (key) {
      case "hostname":
        if (custom.hostname !== undefined) errors.push({ line: lineNo, message: `hostname is given twice (first on line ${customLines.get("hostname")})` });
        custom.hostname = value;
        customLines.set("hostname", lineNo);
        return;
      case "timezone":
        if (custom.timezone !== undefined) errors.push({ line: lineNo, message: `timezone is given twice (first on line ${customLines.get("timezone")})` });
        custom.timezone = value;
        customLines.set("timezone", lineNo);
        return;
      case "keymap":
        if (custom.keymap !== undefined) errors.push({ line: lineNo, message: `keymap is given twice (first on line ${customLines.get("keymap")})` });
        custom.keymap = value;
        customLines.set("keymap", lineNo);
        return;
      case "kernel-arg":
        custom.kernelArgs.push(value);
        customLines.set(`kernelArgs[${custom.kernelArgs.length}]`, lineNo);
        return;
      case "user": {
        const [name = "", ...options] = words;
        const groups: string[] = [];
        for (const option of options) {
          const g = /^groups=(.*)$/.exec(option);
          if (!g) errors.push({ line: lineNo, message: `"${truncate(option)}": a user line takes only groups=a,b` });
          else groups.push(...g[1]!.split(",").filter(Boolean));
        }
        custom.users.push({ name, groups, keys: [] });
        if (!customLines.has(`users[${name}]`)) customLines.set(`users[${name}]`, lineNo);
        return;
      }
      case "ssh-key": {
        const [name = "", ...key] = words;
        const user = userOf(name, lineNo);
        if (!user) return;
        user.keys.push(key.join(" "));
        customLines.set(`${name === "root" ? "root" : `users[${name}]`}.keys[${user.keys.length}]`, lineNo);
        return;
      }
      case "password": {
        const [name = "", hash = "", ...rest] = words;
        const user = userOf(name, lineNo);
        if (!user) return;
        if (hash === "(set)")
          errors.push({
            line: lineNo,
            message: `the password of ${truncate(name)} was hidden when the profile was shared: give a new one ($6$ hash) or leave the line out`,
          });
        else if (rest.length > 0 || hash === "") errors.push({ line: lineNo, message: 'expected "password = NAME $6$salt$hash"' });
        user.passwordHash = hash;
        customLines.set(`${name === "root" ? "root" : `users[${name}]`}.passwordHash`, lineNo);
        return;
      }
      case "file": {
        const [path = "", ...options] = words;
        const file: CustomFile = { path, mode: "0644", content: "" };
        let binary = false;
        for (const option of options) {
          const mode = /^mode=(.*)$/.exec(option);
          if (mode) file.mode = mode[1]!;
          else if (option.startsWith("base64:")) {
            file.content = option.slice("base64:".length);
            binary = true;
          } else errors.push({ line: lineNo, message: `"${truncate(option)}": a file line takes mode=0644 and, for binary content, base64:...` });
        }
        custom.files.push(file);
        customLines.set(`files[${path}]`, lineNo);
        if (!binary) block = { lines: [], done: (text) => (file.content = textToBase64(text)) };
        return;
      }
      case "first-boot":
        if (value !== "") errors.push({ line: lineNo, message: 'the script goes on "| " lines below "first-boot ="' });
        if (custom.firstBoot !== undefined) errors.push({ line: lineNo, message: `first-boot is given twice (first on line ${customLines.get("firstBoot")})` });
        customLines.set("firstBoot", lineNo);
        block = { lines: [], done: (text) => (custom.firstBoot = text) };
        return;
    }
  }

  if (channel === undefined && errors.length === 0) errors.push({ line: 1, message: 'no "channel = ..." line: add one, e.g. "channel = mini"' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    selection: { channel: channel!, roles, packages, ...(customized ? { customizations: custom } : {}) },
    lineOf: (subject) => {
      if ("package" in subject) return packageLines.get(subject.package);
      if ("role" in subject) return roleLines.get(subject.role);
      // `users[alice].keys[2]` has its own line; `users[alice].groups` is on the user's line.
      for (let field = subject.customization; ;) {
        if (customLines.has(field)) return customLines.get(field);
        const parent = field.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, "");
        if (parent === field || parent === "") return undefined;
        field = parent;
      }
    },
  };
}

/** Whose profile a text is: its first line reads `# ZXCV profile: laptop / desktop (revision 3)`. */
export type ProfileTextTitle = { machine: string; profile: string; revision?: number };

/**
 * The one way a selection becomes profile text (export, API, share pages, downloads, the text view): a title line,
 * the channel, roles in name order, packages sorted, then the customizations. The same revision gives the same bytes
 * everywhere. `hidePasswords` (share pages) writes "password = NAME (set)" instead of the hash: such a line does not
 * import, so whoever imports a shared profile is asked for a password of their own.
 */
export function formatProfileText(selection: Selection, title?: ProfileTextTitle, options: { hidePasswords?: boolean } = {}): string {
  const canonical = canonicalizeSelection(selection);
  const out: string[] = [];
  if (title) {
    const revision = title.revision === undefined ? "" : ` (revision ${title.revision})`;
    out.push(`# ZXCV profile: ${`${title.machine} / ${title.profile}`.replace(/[\r\n]+/g, " ")}${revision}`);
  }
  out.push(`channel = ${canonical.channel}`);
  for (const [roleId, alternative] of Object.entries(canonical.roles)) out.push(`${roleId} = ${alternative}`);
  for (const pkg of canonical.packages) out.push(`package = ${pkg}`);
  const c = canonical.customizations;
  if (c) {
    const password = (name: string, hash: string) => `password = ${name} ${options.hidePasswords ? "(set)" : hash}`;
    if (c.hostname !== undefined) out.push(`hostname = ${c.hostname}`);
    if (c.timezone !== undefined) out.push(`timezone = ${c.timezone}`);
    if (c.keymap !== undefined) out.push(`keymap = ${c.keymap}`);
    for (const arg of c.kernelArgs) out.push(`kernel-arg = ${arg}`);
    for (const user of c.users) {
      out.push(`user = ${user.name}${user.groups.length ? ` groups=${user.groups.join(",")}` : ""}`);
      for (const key of user.keys) out.push(`ssh-key = ${user.name} ${key}`);
      if (user.passwordHash) out.push(password(user.name, user.passwordHash));
    }
    for (const key of c.root?.keys ?? []) out.push(`ssh-key = root ${key}`);
    if (c.root?.passwordHash) out.push(password("root", c.root.passwordHash));
    for (const file of c.files) {
      const text = base64ToText(file.content);
      const lines = text === undefined ? undefined : contentLines(text);
      if (lines) out.push(`file = ${file.path} mode=${file.mode}`, ...lines);
      else out.push(`file = ${file.path} mode=${file.mode} base64:${file.content}`);
    }
    if (c.firstBoot !== undefined) out.push("first-boot =", ...(contentLines(c.firstBoot) ?? []));
  }
  return out.join("\n") + "\n";
}

/** Text as `  | ` lines, or undefined when it would not read back the same (no final newline, control characters). */
function contentLines(text: string): string[] | undefined {
  if (text === "") return [];
  if (!text.endsWith("\n") || controlCharacterProblem(text, true)) return undefined;
  const lines = text.slice(0, -1).split("\n");
  if (lines.length > TEXT_CONTENT_MAX_LINES) return undefined;
  return lines.map((l) => (l === "" ? "  |" : `  | ${l}`));
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
