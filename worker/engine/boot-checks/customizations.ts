import { createHash } from "node:crypto";
import type { BootCheck } from "../../../contracts/build-result";
import { qcodeOf, type KeyOf } from "../qmp";
import { ADMIN_GROUP, base64Bytes, filePathProblem, isEmptyCustomizations } from "../../../contracts/customizations";
import type { Selection } from "../../../contracts/selection";

/**
 * The boot test's read-back of a profile's customizations, over SSH in the booted system: logged in as each of the
 * profile's users (each with its own throw-away key of the boot test, which init gives it through fw_cfg), then as
 * root for what only root may read; members of the admin group log in as root with their key, and other users' keys
 * must be refused for root. One check per customization, each failing with a sentence that names it.
 */
export type CustomizationCheckName = Extract<BootCheck["name"], "hostname" | "timezone" | "keymap" | "users" | "kernel-args" | "files" | "first-boot">;
export type CheckOutcome = { name: CustomizationCheckName; passed: boolean; detail?: string; problem?: string };
/** The outcomes, and for a customized keymap which key types each character (the keyboard check types with it). */
export type CustomizationReadback = { outcomes: CheckOutcome[]; keyOf?: KeyOf };
/** Runs a command in the guest over SSH as a user, with the boot test's throw-away key of `keyOf` (by default the
 * user's own); `out` is stdout and stderr. */
export type GuestShell = (user: string, command: string, keyOf?: string) => Promise<{ code: number; out: string }>;

/** The checks a selection's customizations ask for, in the order they run. */
export function customizationChecksFor(selection: Selection): CustomizationCheckName[] {
  const c = selection.customizations;
  if (!c || isEmptyCustomizations(c)) return [];
  const names: CustomizationCheckName[] = [];
  if (c.hostname !== undefined) names.push("hostname");
  if (c.timezone !== undefined) names.push("timezone");
  if (c.keymap !== undefined) names.push("keymap");
  if (c.users.length > 0 || c.root) names.push("users");
  if (c.kernelArgs.length > 0) names.push("kernel-args");
  if (c.files.length > 0) names.push("files");
  if (c.firstBoot) names.push("first-boot");
  return names;
}

/** Lines of `out` that start with `tag `, without it. */
function tagged(out: string, tag: string): string[] {
  return out
    .split("\n")
    .filter((l) => l.startsWith(`${tag} `))
    .map((l) => l.slice(tag.length + 1).trim());
}

function sha256Hex(base64: string): string {
  return createHash("sha256").update(Buffer.from(base64, "base64")).digest("hex");
}

/** A zone's UTC offset at `when` as date +%z prints it (+0100), from Node's own zone data; undefined if it has none. */
export function utcOffset(zone: string, when: Date): string | undefined {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(when).find((p) => p.type === "timeZoneName");
    const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part?.value ?? "");
    if (!m) return undefined;
    return m[1] ? `${m[1]}${m[2]}${m[3]}` : "+0000";
  } catch {
    return undefined;
  }
}

const K_HOLE = 0x0200;

/** A binary keymap (busybox loadkmap's format): "bkeymap", 256 flags, then 128 u16 entries per flagged table. */
function keymapTables(bytes: Buffer): Map<number, Buffer> | undefined {
  if (bytes.subarray(0, 7).toString("latin1") !== "bkeymap" || bytes.length < 7 + 256) return undefined;
  const tables = new Map<number, Buffer>();
  let at = 7 + 256;
  for (let table = 0; table < 256; table++) {
    if (!bytes[7 + table]) continue;
    tables.set(table, bytes.subarray(at, at + 256));
    at += 256;
  }
  return at <= bytes.length ? tables : undefined;
}

/** QEMU's key names by Linux key code (the main block and the 102nd key), so a keymap's key codes can be typed. */
const QCODES: Record<number, string> = {
  ...Object.fromEntries("1 2 3 4 5 6 7 8 9 0 minus equal".split(" ").map((q, i) => [i + 2, q])),
  ...Object.fromEntries("q w e r t y u i o p bracket_left bracket_right".split(" ").map((q, i) => [i + 16, q])),
  ...Object.fromEntries("a s d f g h j k l semicolon apostrophe grave_accent".split(" ").map((q, i) => [i + 30, q])),
  ...Object.fromEntries("backslash z x c v b n m comma dot slash".split(" ").map((q, i) => [i + 43, q])),
  57: "spc",
  86: "less",
};

/** Which key types each character under a binary keymap (plain table 0, shift table 1); US keys for what it lacks. */
export function keymapKeyOf(bmap: Buffer): KeyOf | undefined {
  const tables = keymapTables(bmap);
  if (!tables) return undefined;
  const keys = new Map<string, { code: string; shift: boolean }>();
  for (const [table, shift] of [
    [0, false],
    [1, true],
  ] as const) {
    const entries = tables.get(table);
    if (!entries) continue;
    for (let key = 1; key < 128; key++) {
      const v = entries.readUInt16LE(key * 2);
      const type = v >> 8;
      // KT_LATIN and KT_LETTER carry a Latin-1 character; a Unicode keysym is 0xf000 ^ its code point.
      const char = type === 0 || type === 0x0b ? String.fromCharCode(v & 0xff) : type >= 0xf0 ? String.fromCharCode(v ^ 0xf000) : undefined;
      if (char && QCODES[key] && !keys.has(char)) keys.set(char, { code: QCODES[key]!, shift });
    }
  }
  return (char) => keys.get(char) ?? qcodeOf(char);
}

/** How many keys of the tables both keymaps have differ: the compiled keymap against what dumpkmap reads from the console. */
export function keymapDifferences(built: Buffer, loaded: Buffer): { compared: number; differ: number; first?: string } | undefined {
  const [want, got] = [keymapTables(built), keymapTables(loaded)];
  if (!want || !got) return undefined;
  let compared = 0;
  let differ = 0;
  let first: string | undefined;
  for (const [table, entries] of got) {
    const expected = want.get(table);
    if (!expected) continue;
    // Key code 0 is no key: the kernel keeps K_ALLOCATED there in every table it allocated.
    for (let key = 1; key < 128; key++, compared++) {
      const [got, want] = [entries.readUInt16LE(key * 2), expected.readUInt16LE(key * 2)];
      // A console not in Unicode mode reads a Unicode keysym (type >= NR_TYPES, 15 in Linux 6.1) back as K_HOLE.
      if (got === want || (want >> 8 >= 15 && got === K_HOLE)) continue;
      differ++;
      first ??= `table ${table} key ${key}: 0x${got.toString(16)}, wanted 0x${want.toString(16)}`;
    }
  }
  return { compared, differ, ...(first ? { first } : {}) };
}

/** Reads every customization back; `consoleLines` is what the serial console printed so far. */
export async function checkCustomizations(options: { selection: Selection; shell: GuestShell; consoleLines: () => string[] }): Promise<CustomizationReadback> {
  const wanted = customizationChecksFor(options.selection);
  const c = options.selection.customizations;
  // A profile without customizations has nothing to read back (and no root key to swap).
  if (!c || wanted.length === 0) return { outcomes: [] };
  const outcomes: CheckOutcome[] = [];
  const pass = (name: CustomizationCheckName, detail: string) => outcomes.push({ name, passed: true, detail });
  const fail = (name: CustomizationCheckName, problem: string) => outcomes.push({ name, passed: false, problem });

  // As each user: who we are, our groups, the hostname, our authorized_keys.
  const userProblems: string[] = [];
  const seenHost: string[] = [];
  for (const user of c.users) {
    const r = await options.shell(
      user.name,
      'echo "ZXCV-WHO $(id -un)"; echo "ZXCV-GROUPS $(id -Gn)"; echo "ZXCV-HOST $(hostname)"; sed "s/^/ZXCV-KEY /" "$HOME/.ssh/authorized_keys"',
    );
    const who = tagged(r.out, "ZXCV-WHO")[0];
    if (who !== user.name) {
      userProblems.push(`user ${user.name} could not log in over SSH with a key (${r.out.trim().split("\n").pop() ?? "no answer"})`);
      continue;
    }
    seenHost.push(tagged(r.out, "ZXCV-HOST")[0] ?? "");
    const groups = (tagged(r.out, "ZXCV-GROUPS")[0] ?? "").split(/\s+/);
    const missingGroups = user.groups.filter((g) => !groups.includes(g));
    if (missingGroups.length) userProblems.push(`user ${user.name} is not in group ${missingGroups.join(", ")} (id -Gn: ${groups.join(" ")})`);
    const keys = tagged(r.out, "ZXCV-KEY");
    const missingKeys = user.keys.filter((k) => !keys.includes(k));
    if (missingKeys.length) userProblems.push(`user ${user.name}'s authorized_keys lacks ${missingKeys.length} of the profile's keys`);
  }

  // As root: the command line, /etc/shadow, root's keys, each file's mode and sha256, the first-boot log.
  const script = [
    'echo "ZXCV-CMDLINE $(cat /proc/cmdline)"',
    'echo "ZXCV-HOST $(hostname)"',
    'echo "ZXCV-TZ $(date +%Z) $(date +%z) $(cat /etc/timezone 2>/dev/null)"',
    ...(c.keymap !== undefined
      ? ['echo "ZXCV-KMAP $(cat /etc/zxcv/custom/keymap) $(base64 -w0 < /etc/zxcv/custom/keymap.bmap) $(dumpkmap < /dev/tty0 | base64 -w0)"']
      : []),
    'sed "s/^/ZXCV-SHADOW /" /etc/shadow',
    'sed "s/^/ZXCV-KEY /" /root/.ssh/authorized_keys',
    // Paths passed the grammar (no quotes, no spaces); checked once more before they go into a command.
    ...c.files
      .filter((f) => !filePathProblem(f.path))
      .map((f) => `echo "ZXCV-FILE $(stat -c %a '${f.path}') $(sha256sum < '${f.path}' | cut -d' ' -f1) ${f.path}"`),
    ...(c.firstBoot
      ? [
          "for i in $(seq 60); do grep -q '^ZXCV-FIRST-BOOT exit=' /var/log/first-boot.log 2>/dev/null && break; sleep 1; done",
          `echo "ZXCV-FB-RUNS $(grep -c '^ZXCV-FIRST-BOOT start' /var/log/first-boot.log)"`,
          "grep '^ZXCV-FIRST-BOOT exit=' /var/log/first-boot.log | sed 's/^/ZXCV-FB /'",
        ]
      : []),
  ].join("; ");
  const root = await options.shell("root", script);
  if (!/ZXCV-CMDLINE /.test(root.out)) {
    for (const name of wanted)
      fail(name, `could not log in as root over SSH to read the ${name} customization back (${root.out.trim().split("\n").pop() ?? "no answer"})`);
    return { outcomes };
  }

  if (c.hostname !== undefined) {
    const hosts = [tagged(root.out, "ZXCV-HOST")[0] ?? "", ...seenHost];
    const wrong = hosts.find((h) => h !== c.hostname);
    if (wrong !== undefined) fail("hostname", `the hostname customization is not applied: the system is called "${wrong}", not "${c.hostname}"`);
    else pass("hostname", `hostname reads ${c.hostname}`);
  }

  if (c.timezone !== undefined) {
    const [abbreviation = "", offset = "", name = ""] = (tagged(root.out, "ZXCV-TZ")[0] ?? "").split(" ");
    const want = utcOffset(c.timezone, new Date());
    if (name !== c.timezone) fail("timezone", `the timezone customization is not applied: /etc/timezone says "${name}", not ${c.timezone}`);
    else if (want !== undefined && offset !== want)
      fail("timezone", `the timezone customization is not applied: date +%z says ${offset || "nothing"}, ${c.timezone} is ${want} now`);
    else pass("timezone", `date +%Z reads ${abbreviation} (${offset}), ${c.timezone}`);
  }

  let keyOf: KeyOf | undefined;
  if (c.keymap !== undefined) {
    const [name = "", built = "", loaded = ""] = (tagged(root.out, "ZXCV-KMAP")[0] ?? "").split(" ");
    keyOf = keymapKeyOf(Buffer.from(built, "base64"));
    const differences = name === c.keymap ? keymapDifferences(Buffer.from(built, "base64"), Buffer.from(loaded, "base64")) : undefined;
    if (name !== c.keymap) fail("keymap", `the keymap customization is not applied: the system has keymap "${name}", not ${c.keymap}`);
    else if (differences === undefined) fail("keymap", "the keymap customization could not be read back: dumpkmap gave no keymap");
    else if (differences.differ > 0)
      fail(
        "keymap",
        `the keymap customization is not loaded: ${differences.differ} of ${differences.compared} keys differ from the ${c.keymap} keymap (${differences.first})`,
      );
    else pass("keymap", `${c.keymap} is loaded: ${differences.compared} keys of the console match it (dumpkmap)`);
  }

  if (wanted.includes("users")) {
    const shadow = new Map(
      tagged(root.out, "ZXCV-SHADOW").map((l) => {
        const [name = "", hash = ""] = l.split(":");
        return [name, hash];
      }),
    );
    for (const user of [...c.users.map((u) => ({ ...u })), ...(c.root ? [{ name: "root", ...c.root }] : [])]) {
      const want = user.passwordHash ?? "*";
      if (shadow.get(user.name) !== want)
        userProblems.push(`${user.name}'s password ${user.passwordHash ? "hash is not the profile's" : "is not locked"} in /etc/shadow`);
    }
    const rootKeys = tagged(root.out, "ZXCV-KEY");
    const missingRoot = (c.root?.keys ?? []).filter((k) => !rootKeys.includes(k));
    if (missingRoot.length) userProblems.push(`root's authorized_keys lacks ${missingRoot.length} of the profile's keys`);
    // admin members may log in as root with their own keys (init gives root their keys); nobody else's key is root's.
    const rootAs: string[] = [];
    for (const user of c.users) {
      const r = await options.shell("root", 'echo "ZXCV-UID $(id -u)"', user.name);
      const uid = tagged(r.out, "ZXCV-UID")[0];
      if (user.groups.includes(ADMIN_GROUP)) {
        if (uid === "0") rootAs.push(`${user.name}'s key logs in as root (id -u 0)`);
        else
          userProblems.push(`${user.name} is in group ${ADMIN_GROUP} but their key does not log in as root (${r.out.trim().split("\n").pop() || "no answer"})`);
      } else if (uid !== undefined) userProblems.push(`${user.name} is not in group ${ADMIN_GROUP} but their key logs in as root`);
      else if (!/Permission denied/.test(r.out))
        userProblems.push(`could not try ${user.name}'s key for root (${r.out.trim().split("\n").pop() || "no answer"})`);
      else rootAs.push(`${user.name}'s is refused for root`);
    }
    const who = [...c.users.map((u) => `${u.name} (${u.groups.join(", ") || "no groups"})`), ...(c.root ? ["root"] : [])].join(", ");
    if (userProblems.length) fail("users", `the users customization is not applied: ${userProblems.join("; ")}`);
    else
      pass(
        "users",
        `logged in by key as ${c.users.map((u) => u.name).join(", ") || "root"}; groups, keys and password hashes read back for ${who}${rootAs.length ? `; ${rootAs.join(", ")}` : ""}`,
      );
  }

  if (c.kernelArgs.length > 0) {
    const cmdline = (tagged(root.out, "ZXCV-CMDLINE")[0] ?? "").split(/\s+/);
    const missing = c.kernelArgs.filter((a) => !cmdline.includes(a));
    if (missing.length) fail("kernel-args", `the kernel-arg customization ${missing.join(" ")} is not on /proc/cmdline`);
    else pass("kernel-args", `/proc/cmdline has ${c.kernelArgs.join(" ")}`);
  }

  if (c.files.length > 0) {
    const seen = new Map(
      tagged(root.out, "ZXCV-FILE").map((l) => {
        const [mode = "", sha = "", path = ""] = l.split(" ");
        return [path, { mode, sha }];
      }),
    );
    const wrong: string[] = [];
    for (const file of c.files) {
      const got = seen.get(file.path);
      const sha = sha256Hex(file.content);
      if (!got || !/^[0-9a-f]{64}$/.test(got.sha)) wrong.push(`${file.path} is missing`);
      else if (got.sha !== sha) wrong.push(`${file.path} has other content (sha256 ${got.sha.slice(0, 12)}…, wanted ${sha.slice(0, 12)}…)`);
      else if (parseInt(got.mode, 8) !== parseInt(file.mode, 8)) wrong.push(`${file.path} has mode 0${got.mode}, wanted ${file.mode}`);
    }
    const bytes = c.files.reduce((sum, f) => sum + (base64Bytes(f.content) ?? 0), 0);
    if (wrong.length) fail("files", `the file customization is not applied: ${wrong.join("; ")}`);
    else pass("files", `${c.files.length} file${c.files.length === 1 ? "" : "s"} (${bytes} bytes): sha256 and mode of each match`);
  }

  if (c.firstBoot) {
    const runs = Number(tagged(root.out, "ZXCV-FB-RUNS")[0] ?? "0");
    const exit = tagged(root.out, "ZXCV-FB")[0];
    const onConsole = options.consoleLines().some((l) => l.includes("ZXCV-FIRST-BOOT start"));
    if (runs !== 1) fail("first-boot", `the first-boot script ran ${runs} times, not once (/var/log/first-boot.log)`);
    else if (!exit) fail("first-boot", "the first-boot script started but did not finish within 60 s");
    else if (!onConsole) fail("first-boot", "the first-boot script's output did not reach the console");
    else pass("first-boot", `ran once, ${exit.replace("ZXCV-FIRST-BOOT ", "")}; output on the console and in /var/log/first-boot.log`);
  }
  return { outcomes, ...(keyOf ? { keyOf } : {}) };
}
