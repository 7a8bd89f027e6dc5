// What a finished build's page shows of its log (readLogTail): the last 200 whole lines, at most 64 KiB of them, and
// how many bytes come before; read from real files in a directory storage, as the app reads them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";

const dir = mkdtempSync(join(tmpdir(), "zxcv-log-tail-"));
process.env.ARTIFACT_DIR = dir;
after(() => rmSync(dir, { recursive: true, force: true }));
const { readLogTail, LOG_TAIL } = await import("./queries");

let n = 0;
/** A build as readLogTail reads it, its log file holding `text`. */
function buildWithLog(text: string) {
  const storageKey = `builds/tail-${n++}/1/build.log`;
  mkdirSync(dirname(join(dir, storageKey)), { recursive: true });
  writeFileSync(join(dir, storageKey), text);
  const log = { kind: "LOG", sizeBytes: BigInt(Buffer.byteLength(text)), storageKey } as never;
  return { artifacts: [log], reusedFrom: null };
}

const numbered = (count: number, width = 0) => Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(4, "0")}${"x".repeat(width)}\n`).join("");

test("a long log shows its last 200 lines whole, and says how many bytes come before them", async () => {
  const text = numbered(1000);
  const tail = await readLogTail(buildWithLog(text));
  assert.equal(LOG_TAIL.lines, 200);
  assert.ok(tail!.text.startsWith("line 0801\n"), tail!.text.slice(0, 20));
  assert.ok(tail!.text.endsWith("line 1000\n"));
  assert.equal(tail!.text.split("\n").length - 1, 200);
  assert.equal(tail!.hiddenBytes, 800 * "line 0001\n".length);
});

test("a short log is shown whole; an empty one is empty; a log without a final newline keeps its last line", async () => {
  const short = numbered(150);
  assert.deepEqual(await readLogTail(buildWithLog(short)), { text: short, hiddenBytes: 0 });
  assert.deepEqual(await readLogTail(buildWithLog("")), { text: "", hiddenBytes: 0 });
  const unterminated = `${numbered(300)}the last words`;
  const tail = await readLogTail(buildWithLog(unterminated));
  assert.ok(tail!.text.startsWith("line 0102\n"), tail!.text.slice(0, 20));
  assert.ok(tail!.text.endsWith("line 0300\nthe last words"));
  assert.equal(tail!.hiddenBytes, Buffer.byteLength(unterminated) - Buffer.byteLength(tail!.text));
});

test("long lines are bounded at 64 KiB, as many whole lines as fit, with no broken character", async () => {
  // 100 lines of 1,000 bytes with a two-byte character in each: 200 of them would be 200 KB.
  const line = (i: number) => `é ${String(i).padStart(3, "0")} ${"y".repeat(992)}\n`;
  const text = Array.from({ length: 100 }, (_, i) => line(i)).join("");
  const tail = await readLogTail(buildWithLog(text));
  assert.ok(Buffer.byteLength(tail!.text) <= LOG_TAIL.maxBytes);
  // As many whole lines as fit: 65 of them (65,000 bytes).
  assert.equal(tail!.text, Array.from({ length: 65 }, (_, i) => line(35 + i)).join(""));
  assert.equal(tail!.hiddenBytes, Buffer.byteLength(text) - Buffer.byteLength(tail!.text));
  // Lines of exactly 1 KiB: the window holds 64 of them, and shows all 64.
  const kib = (i: number) => `${String(i).padStart(3, "0")}${"z".repeat(1020)}\n`;
  const aligned = await readLogTail(buildWithLog(Array.from({ length: 100 }, (_, i) => kib(i)).join("")));
  assert.equal(aligned!.text, Array.from({ length: 64 }, (_, i) => kib(36 + i)).join(""));
});

test("a build without a log has none to show", async () => {
  assert.equal(await readLogTail({ artifacts: [], reusedFrom: null }), null);
});
