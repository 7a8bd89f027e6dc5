import { z } from "zod";
import { KEYMAPS } from "./keymaps";
import { TIMEZONES } from "./timezones";

/**
 * What makes an ISO a person's own: hostname, users with groups, SSH keys and a password hash, root's keys and
 * password hash, kernel arguments, files and a first-boot script. Carried in the selection as data (the fixed Nix
 * expression writes it into the root file system, init applies it at boot), proven by the boot test, and checked
 * here by the one grammar the browser, the app, the CLI and the build hosts share. Every message names its field.
 */
export const CUSTOMIZATION_LIMITS = {
  fileBytes: 64 * 1024,
  totalBytes: 1024 * 1024,
  users: 32,
  keysPerUser: 16,
  kernelArgs: 32,
  files: 128,
} as const;

/** Names the system itself uses: a user or group of that name would clash with (or take over) the system's own. */
export const SYSTEM_ACCOUNT_NAMES = new Set(
  (
    "root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody nogroup sshd " +
    "messagebus systemd-network systemd-resolve systemd-timesync _apt adm tty disk kmem dialout fax voice cdrom floppy " +
    "tape sudo audio dip video plugdev staff shadow utmp operator src users input render sgx kvm netdev wheel halt " +
    "shutdown ftp dropbear zxcv"
  ).split(" "),
);

/** A group users may join although the name sounds like a system one: its members' SSH keys log in as root too. */
export const ADMIN_GROUP = "admin";

const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

/** Arguments init, the consoles or the boot test rely on; a profile may not set them. */
const RESERVED_KERNEL_ARGS = ["console", "init", "rdinit", "root", "rootfstype", "panic", "initrd", "BOOT_IMAGE", "quiet"];

/** Paths the system or another customization writes: a file there would be overwritten or break the boot. */
const MANAGED_PATHS: Record<string, string> = {
  "/init": "it is the system's init",
  "/etc/passwd": "users are set with the users customization",
  "/etc/group": "groups are set with the users customization",
  "/etc/shadow": "passwords are set with the users customization",
  "/etc/hostname": "it is set by the hostname customization",
  "/etc/localtime": "it is set by the timezone customization",
  "/etc/timezone": "it is set by the timezone customization",
  "/etc/inittab": "the consoles depend on it",
  "/bin/busybox": "the system's tools depend on it",
};
const FORBIDDEN_TREES = ["/nix", "/proc", "/sys", "/dev", "/etc/zxcv"];

export type CustomizationIssue = { field: string; message: string };

/** NUL and control characters (everything below space and DEL) except tab and, where allowed, newline. */
export function controlCharacterProblem(value: string, allowNewlines: boolean): string | undefined {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\t" || (allowNewlines && ch === "\n")) continue;
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
      return code === 0 ? "contains a NUL character" : `contains the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    }
  }
  return undefined;
}

export function hostnameProblem(name: string): string | undefined {
  if (name === "") return "is empty: give a name such as lab-01, or leave the hostname out";
  if (name.length > 63) return `is ${name.length} characters: a hostname is at most 63`;
  if (name.includes(".")) return "has a dot: a hostname is one label (letters, digits and hyphens), not a domain name";
  if (name.includes("_")) return "has an underscore: a hostname may have letters, digits and hyphens only";
  if (!/^[A-Za-z0-9-]+$/.test(name)) return "may have letters, digits and hyphens only";
  if (name.startsWith("-") || name.endsWith("-")) return "starts or ends with a hyphen";
  return undefined;
}

export function accountNameProblem(name: string, kind: "user" | "group"): string | undefined {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name)) return `is not a ${kind} name: lower-case letters, digits, _ and -, starting with a letter, at most 32`;
  if (kind === "group" && name === ADMIN_GROUP) return undefined;
  if (SYSTEM_ACCOUNT_NAMES.has(name) || name === ADMIN_GROUP) return `is a system account's name: choose another ${kind} name`;
  return undefined;
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  // atob exists in browsers and in Node 20; it returns one char per byte.
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes a base64 text decodes to (undefined when it is not base64). */
export function base64Bytes(text: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return (text.length / 4) * 3 - (text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0);
}

/** A zone of the pinned tzdata (contracts/timezones.ts, generated from the pin). */
export function timezoneProblem(zone: string): string | undefined {
  if (TIMEZONES.includes(zone)) return undefined;
  const near = TIMEZONES.find((z) => z.toLowerCase() === zone.toLowerCase());
  if (near) return `is not a zone name: did you mean ${near}?`;
  return "is not a zone of the pinned tzdata: give an IANA name such as Europe/Berlin, America/New_York or UTC";
}

/** A console keymap of the pinned console-data (contracts/keymaps.ts), such as de, fr-latin1, uk. */
export function keymapProblem(name: string): string | undefined {
  if (KEYMAPS.includes(name)) return undefined;
  return "is not a console keymap of the pinned console-data: give one such as de, fr-latin1, uk or dvorak";
}

/** One authorized_keys line: `type base64 [comment]`, the blob's own header naming the same type. */
export function sshKeyProblem(line: string): string | undefined {
  if (/PRIVATE KEY|^-----BEGIN/.test(line))
    return "is a private key: never paste that; paste the public key instead (the one line of the .pub file, e.g. ~/.ssh/id_ed25519.pub)";
  const control = controlCharacterProblem(line, false);
  if (control) return control;
  const [type, blob, ...comment] = line.trim().split(/\s+/);
  if (!type || !blob) return 'is not an SSH public key: expected "ssh-ed25519 AAAA... comment"';
  if (!SSH_KEY_TYPES.includes(type)) return `has the type "${type.slice(0, 40)}": use one of ${SSH_KEY_TYPES.join(", ")}`;
  const bytes = decodeBase64(blob);
  if (!bytes) return "is not an SSH public key: its second word is not valid base64";
  const length = bytes.length >= 4 ? ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 : -1;
  const inner = length >= 0 && length <= bytes.length - 4 ? String.fromCharCode(...bytes.slice(4, 4 + length)) : undefined;
  if (inner !== type) return `is not a valid ${type} key: the key data ${inner ? `says "${inner.slice(0, 40)}"` : "is cut short or garbled"}`;
  if (comment.join(" ").length > 200) return "has a comment longer than 200 characters";
  return undefined;
}

/** sha512-crypt, the scheme the system's busybox login and su accept (checked by booting: busybox mkpasswd -m sha512). */
export const PASSWORD_HASH = /^\$6\$(rounds=\d{4,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;
export function passwordHashProblem(hash: string): string | undefined {
  if (PASSWORD_HASH.test(hash)) return undefined;
  return "is not a sha512-crypt hash ($6$salt$...): set the password in the configurator, or make one with mkpasswd -m sha512";
}

export function kernelArgProblem(arg: string): string | undefined {
  if (arg === "") return "is empty";
  if (/["'`]/.test(arg)) return "has a quote: an argument is one word, key or key=value, without quotes";
  if (/\s/.test(arg))
    return /[\r\n]/.test(arg)
      ? "has a line break: give each argument on its own kernel-arg line"
      : "has a space: give each argument on its own kernel-arg line";
  const control = controlCharacterProblem(arg, false);
  if (control) return control;
  if (arg.length > 128) return `is ${arg.length} characters: at most 128`;
  const match = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:=([A-Za-z0-9_.,:/+@%=-]*))?$/.exec(arg);
  if (!match) return "may have letters, digits and _ . - in its key and letters, digits and _ . , : / + @ % = - in its value";
  const key = match[1]!;
  if (RESERVED_KERNEL_ARGS.includes(key)) return `sets ${key}, which the system relies on: it cannot be changed`;
  if (key === "zxcv" || key.startsWith("zxcv.")) return "is one of the system's own zxcv.* arguments";
  return undefined;
}

export function filePathProblem(path: string): string | undefined {
  const control = controlCharacterProblem(path, false);
  if (control) return control;
  if (!path.startsWith("/")) return "is not absolute: a file path starts with /";
  if (path.split("/").some((part) => part === "..")) return "has .. in it: give the path without going up";
  if (path.length > 256) return "is longer than 256 characters";
  if (!/^(\/[A-Za-z0-9_+@,:=-][A-Za-z0-9._+@,:=-]*)+$/.test(path))
    return "may have letters, digits and . _ + @ , : = - between slashes (no spaces, no empty or . parts, no trailing /)";
  const tree = FORBIDDEN_TREES.find((t) => path === t || path.startsWith(`${t}/`));
  if (tree) return `is under ${tree}, which the system owns`;
  if (MANAGED_PATHS[path]) return `cannot be replaced: ${MANAGED_PATHS[path]}`;
  return undefined;
}

const hashField = z.string().refine((h) => !passwordHashProblem(h), { message: "not a sha512-crypt hash ($6$salt$...)" });
const keyField = z.string().max(16 * 1024);

export const customUserSchema = z.strictObject({
  name: z.string().max(64),
  groups: z.array(z.string().max(64)).max(16).default([]),
  keys: z.array(keyField).max(CUSTOMIZATION_LIMITS.keysPerUser).default([]),
  passwordHash: hashField.optional(),
});
export type CustomUser = z.infer<typeof customUserSchema>;

export const customFileSchema = z.strictObject({
  path: z.string().max(512),
  /** Octal, four digits: 0644. */
  mode: z.string().regex(/^0[0-7]{3}$/, "a mode is four octal digits, 0000 to 0777 (e.g. 0644)"),
  /** The content, base64 (text or binary alike). */
  content: z.string().max(Math.ceil(CUSTOMIZATION_LIMITS.totalBytes / 3) * 4 + 8),
});
export type CustomFile = z.infer<typeof customFileSchema>;

export const customizationsFields = z.strictObject({
  hostname: z.string().max(256).optional(),
  timezone: z.string().max(64).optional(),
  keymap: z.string().max(64).optional(),
  users: z.array(customUserSchema).max(CUSTOMIZATION_LIMITS.users).default([]),
  root: z.strictObject({ keys: z.array(keyField).max(CUSTOMIZATION_LIMITS.keysPerUser).default([]), passwordHash: hashField.optional() }).optional(),
  kernelArgs: z.array(z.string().max(512)).max(CUSTOMIZATION_LIMITS.kernelArgs).default([]),
  files: z.array(customFileSchema).max(CUSTOMIZATION_LIMITS.files).default([]),
  firstBoot: z
    .string()
    .max(CUSTOMIZATION_LIMITS.fileBytes * 2)
    .optional(),
});
export type Customizations = z.infer<typeof customizationsFields>;

/** Every problem in a set of customizations, each naming its field (`users[alice].keys[2]`, `files[/etc/motd]`). */
export function validateCustomizations(c: Customizations): CustomizationIssue[] {
  const issues: CustomizationIssue[] = [];
  const add = (field: string, problem: string | undefined, value?: string) => {
    if (problem) issues.push({ field, message: `${field}${value === undefined ? "" : ` "${shorten(value)}"`} ${problem}` });
  };
  if (c.hostname !== undefined) add("hostname", hostnameProblem(c.hostname), c.hostname);
  if (c.timezone !== undefined) add("timezone", timezoneProblem(c.timezone), c.timezone);
  if (c.keymap !== undefined) add("keymap", keymapProblem(c.keymap), c.keymap);
  const names = new Set<string>();
  for (const user of c.users) {
    const field = `users[${shorten(user.name)}]`;
    add(`${field}.name`, accountNameProblem(user.name, "user"), user.name);
    if (names.has(user.name)) add(`${field}.name`, "is given twice: each user once, with all its groups and keys", user.name);
    names.add(user.name);
    if (new Set(user.groups).size !== user.groups.length) add(`${field}.groups`, "lists a group twice");
    user.groups.forEach((g) => add(`${field}.groups`, accountNameProblem(g, "group"), g));
    for (const g of user.groups) if (c.users.some((u) => u.name === g)) add(`${field}.groups`, "is also a user's name: a user's own group has its name", g);
    user.keys.forEach((k, i) => add(`${field}.keys[${i + 1}]`, sshKeyProblem(k)));
  }
  c.root?.keys.forEach((k, i) => add(`root.keys[${i + 1}]`, sshKeyProblem(k)));
  c.kernelArgs.forEach((a, i) => add(`kernelArgs[${i + 1}]`, kernelArgProblem(a), a));
  const paths = new Set<string>();
  let total = 0;
  for (const file of c.files) {
    const field = `files[${shorten(file.path)}]`;
    add(`${field}.path`, filePathProblem(file.path), file.path);
    if (paths.has(file.path)) add(`${field}.path`, "is given twice: each file once", file.path);
    paths.add(file.path);
    const bytes = base64Bytes(file.content);
    if (bytes === undefined) add(`${field}.content`, "is not base64");
    else if (bytes > CUSTOMIZATION_LIMITS.fileBytes)
      add(`${field}.content`, `is ${formatKb(bytes)}: a file is at most ${formatKb(CUSTOMIZATION_LIMITS.fileBytes)}`);
    total += bytes ?? 0;
  }
  for (const path of paths)
    for (const other of paths)
      if (other.startsWith(`${path}/`)) add(`files[${shorten(path)}].path`, `is a file, but ${shorten(other)} needs it to be a folder`);
  if (c.firstBoot !== undefined) {
    add("firstBoot", controlCharacterProblem(c.firstBoot, true));
    const bytes = new TextEncoder().encode(c.firstBoot).length;
    if (bytes > CUSTOMIZATION_LIMITS.fileBytes)
      add("firstBoot", `is ${formatKb(bytes)}: the first-boot script is at most ${formatKb(CUSTOMIZATION_LIMITS.fileBytes)}`);
    total += bytes;
  }
  if (total > CUSTOMIZATION_LIMITS.totalBytes) add("files", `add up to ${formatKb(total)}: files and the first-boot script are at most 1 MB in all`);
  return issues;
}

/** The zod schema a selection embeds: shape first, then every rule above, each issue naming its field. */
export const customizationsSchema = customizationsFields.superRefine((c, ctx) => {
  for (const issue of validateCustomizations(c)) ctx.addIssue({ code: "custom", message: issue.message, path: [issue.field] });
});

/** True when nothing is customized: such a selection is stored, hashed and built exactly as before customizations. */
export function isEmptyCustomizations(c: Customizations | undefined): boolean {
  return (
    !c ||
    (c.hostname === undefined &&
      c.timezone === undefined &&
      c.keymap === undefined &&
      c.users.length === 0 &&
      !c.root &&
      c.kernelArgs.length === 0 &&
      c.files.length === 0 &&
      !c.firstBoot)
  );
}

/** The same customizations always serialise alike: users and files by name, groups sorted, keys and kernel args as given. */
export function canonicalizeCustomizations(c: Customizations): Customizations {
  const root =
    c.root && (c.root.keys.length > 0 || c.root.passwordHash)
      ? { keys: c.root.keys.map(normalizeKey), ...(c.root.passwordHash ? { passwordHash: c.root.passwordHash } : {}) }
      : undefined;
  return {
    ...(c.hostname !== undefined ? { hostname: c.hostname } : {}),
    ...(c.timezone !== undefined ? { timezone: c.timezone } : {}),
    ...(c.keymap !== undefined ? { keymap: c.keymap } : {}),
    users: [...c.users]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((u) => ({
        name: u.name,
        groups: [...u.groups].sort(),
        keys: u.keys.map(normalizeKey),
        ...(u.passwordHash ? { passwordHash: u.passwordHash } : {}),
      })),
    ...(root ? { root } : {}),
    kernelArgs: c.kernelArgs,
    files: [...c.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, mode: f.mode, content: f.content })),
    // A script always ends with a newline, so its text form reads back the same; an empty one is no script.
    ...(c.firstBoot ? { firstBoot: c.firstBoot.endsWith("\n") ? c.firstBoot : `${c.firstBoot}\n` } : {}),
  };
}

/** The customizations as a share link shows them: every password hash left out (an import sets new ones). */
export function withoutPasswordHashes(c: Customizations): { customizations: Customizations; hadPasswords: boolean } {
  const hadPasswords = c.users.some((u) => u.passwordHash) || !!c.root?.passwordHash;
  const users = c.users.map(({ passwordHash: _, ...u }) => u);
  const root = c.root && { keys: c.root.keys };
  return { customizations: { ...c, users, ...(root ? { root } : {}) }, hadPasswords };
}

/** Bytes the customizations add to the root file system (file contents, the script, keys): for the size bar. */
export function customizationBytes(c: Customizations | undefined): number {
  if (!c) return 0;
  const text = (s: string) => new TextEncoder().encode(s).length;
  let bytes = c.files.reduce((sum, f) => sum + (base64Bytes(f.content) ?? 0), 0) + text(c.firstBoot ?? "");
  for (const user of [...c.users, ...(c.root ? [c.root] : [])]) bytes += user.keys.reduce((sum, k) => sum + text(k) + 1, 0);
  return bytes;
}

/** UTF-8 text to base64 and back (the configurator edits text files; the selection holds base64). */
export function textToBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
export function base64ToText(content: string): string | undefined {
  const bytes = decodeBase64(content);
  if (!bytes) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** One space between a key's words: `type blob comment`. */
function normalizeKey(key: string): string {
  return key.trim().split(/\s+/).join(" ");
}

function shorten(s: string): string {
  const clean = s.replace(/[\x00-\x1f\x7f]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

export function formatKb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
