import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { customizationsFields } from "../../../contracts/customizations";
import { checkCustomizations, customizationChecksFor, keymapDifferences, keymapKeyOf, utcOffset, type GuestShell } from "./customizations";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const content = Buffer.from("hi\n").toString("base64");
const sha = createHash("sha256").update("hi\n").digest("hex");
const selection = {
  channel: "mini",
  roles: { ssh: "dropbear" },
  packages: [],
  customizations: customizationsFields.parse({
    hostname: "lab-01",
    users: [
      { name: "alice", groups: ["admin"], keys: [KEY] },
      { name: "bob", groups: [], keys: [] },
    ],
    kernelArgs: ["nomodeset"],
    files: [{ path: "/etc/motd", mode: "0644", content }],
    firstBoot: "echo hi\n",
  }),
};

/** A guest that answers as the real system would; `fault` changes one answer (the boot test's failures are rare). */
function guest(fault: Partial<Record<"host" | "groups" | "cmdline" | "mode" | "runs" | "rootKeys", string>> = {}): GuestShell {
  return async (user, _command, keyOf = user) => {
    if (user === "alice")
      return { code: 0, out: `ZXCV-WHO alice\nZXCV-GROUPS ${fault.groups ?? "alice admin"}\nZXCV-HOST ${fault.host ?? "lab-01"}\nZXCV-KEY ${KEY}\n` };
    if (user === "bob") return { code: 0, out: "ZXCV-WHO bob\nZXCV-GROUPS bob\nZXCV-HOST lab-01\n" };
    // Root's keys: the test's own and those of admin members (alice), unless a fault names whose instead.
    if (keyOf !== "root")
      return (fault.rootKeys ?? "alice").split(",").includes(keyOf)
        ? { code: 0, out: "ZXCV-UID 0\n" }
        : { code: 255, out: "root@127.0.0.1: Permission denied (publickey).\n" };
    return {
      code: 0,
      out: [
        `ZXCV-CMDLINE console=tty0 quiet ${fault.cmdline ?? "nomodeset"}`,
        "ZXCV-HOST lab-01",
        "ZXCV-SHADOW root:*:::::::",
        "ZXCV-SHADOW alice:*:::::::",
        "ZXCV-SHADOW bob:*:::::::",
        `ZXCV-FILE ${fault.mode ?? "644"} ${sha} /etc/motd`,
        `ZXCV-FB-RUNS ${fault.runs ?? "1"}`,
        "ZXCV-FB ZXCV-FIRST-BOOT exit=0",
      ].join("\n"),
    };
  };
}
const consoleLines = () => ["ZXCV-FIRST-BOOT start", "hi"];

test("one check per customization, each passing when the system reads back what the profile says", async () => {
  assert.deepEqual(customizationChecksFor(selection), ["hostname", "users", "kernel-args", "files", "first-boot"]);
  const { outcomes } = await checkCustomizations({ selection, shell: guest(), consoleLines });
  assert.deepEqual(
    outcomes.map((o) => [o.name, o.passed]),
    customizationChecksFor(selection).map((n) => [n, true]),
  );
  assert.match(outcomes.find((o) => o.name === "users")!.detail!, /alice's key logs in as root \(id -u 0\), bob's is refused for root$/);
});

test("a mismatch fails its check with a sentence naming the customization", async () => {
  const cases: [Parameters<typeof guest>[0], string, RegExp][] = [
    [{ host: "zxcv" }, "hostname", /the hostname customization is not applied: the system is called "zxcv", not "lab-01"/],
    [{ groups: "alice" }, "users", /the users customization is not applied: user alice is not in group admin/],
    [{ cmdline: "" }, "kernel-args", /the kernel-arg customization nomodeset is not on \/proc\/cmdline/],
    [{ mode: "600" }, "files", /the file customization is not applied: \/etc\/motd has mode 0600, wanted 0644/],
    [{ runs: "2" }, "first-boot", /the first-boot script ran 2 times, not once/],
    [{ rootKeys: "" }, "users", /alice is in group admin but their key does not log in as root \(root@127\.0\.0\.1: Permission denied/],
    [{ rootKeys: "alice,bob" }, "users", /bob is not in group admin but their key logs in as root/],
  ];
  for (const [fault, name, pattern] of cases) {
    const { outcomes } = await checkCustomizations({ selection, shell: guest(fault), consoleLines });
    const failed = outcomes.filter((o) => !o.passed);
    assert.deepEqual(
      failed.map((o) => o.name),
      [name],
    );
    assert.match(failed[0]!.problem!, pattern);
  }
});

test("no customizations, no checks", () => {
  assert.deepEqual(customizationChecksFor({ channel: "mini", roles: {}, packages: [] }), []);
});

test("a zone's offset as date +%z prints it", () => {
  assert.equal(utcOffset("Europe/Berlin", new Date("2026-01-15T12:00:00Z")), "+0100");
  assert.equal(utcOffset("Europe/Berlin", new Date("2026-07-15T12:00:00Z")), "+0200");
  assert.equal(utcOffset("UTC", new Date()), "+0000");
  assert.equal(utcOffset("America/St_Johns", new Date("2026-01-15T12:00:00Z")), "-0330");
});

test("a keymap read back from the console is compared table by table", () => {
  const bmap = (tables: Record<number, number[]>) => {
    const flags = Buffer.alloc(256);
    const parts: Buffer[] = [];
    for (const [table, keys] of Object.entries(tables)) {
      flags[Number(table)] = 1;
      const entries = Buffer.alloc(256);
      keys.forEach((v, i) => entries.writeUInt16LE(v, i * 2));
      parts.push(entries);
    }
    return Buffer.concat([Buffer.from("bkeymap"), flags, ...parts]);
  };
  const built = bmap({ 0: [0x200, 2, 3], 1: [0x200, 5], 3: [9] });
  // Key 0 holds the kernel's K_ALLOCATED marker (0x27e) in every table it allocated: not compared.
  assert.deepEqual(keymapDifferences(built, bmap({ 0: [0x27e, 2, 3], 1: [0x27e, 5] })), { compared: 254, differ: 0 });
  assert.deepEqual(keymapDifferences(built, bmap({ 0: [0x27e, 7, 3], 1: [0x27e, 5] })), { compared: 254, differ: 1, first: "table 0 key 1: 0x7, wanted 0x2" });
  assert.equal(keymapDifferences(built, Buffer.from("garbage")), undefined);
  // A Unicode keysym (€ is 0xf000 ^ 0x20ac) reads back as K_HOLE from a console not in Unicode mode.
  assert.deepEqual(keymapDifferences(bmap({ 0: [0x200, 0xf000 ^ 0x20ac] }), bmap({ 0: [0x27e, 0x0200] })), { compared: 127, differ: 0 });
});

test("the keyboard check types with the profile's keymap: on de, z is the key US calls y", () => {
  const flags = Buffer.alloc(256);
  flags[0] = 1;
  const plain = Buffer.alloc(256);
  plain.writeUInt16LE(0x0b7a, 21 * 2); // key code 21 (US y) gives the letter z
  const keyOf = keymapKeyOf(Buffer.concat([Buffer.from("bkeymap"), flags, plain]))!;
  assert.deepEqual(keyOf("z"), { code: "y", shift: false });
  assert.deepEqual(keyOf("q"), { code: "q", shift: false }, "US keys for what the keymap lacks");
});
