import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRange } from "./downloads";

test("parseRange: good ranges, suffixes and open ends", () => {
  assert.deepEqual(parseRange("bytes=0-99", 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=900-", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=-100", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=-5000", 1000), { start: 0, end: 999 });
  assert.deepEqual(parseRange("bytes=990-5000", 1000), { start: 990, end: 999 });
  assert.deepEqual(parseRange(" bytes = 1-1", 1000), { start: 1, end: 1 });
});

test("parseRange: no range, other units and several ranges serve the whole file", () => {
  assert.equal(parseRange(null, 1000), null);
  assert.equal(parseRange("items=0-1", 1000), null);
  assert.equal(parseRange("bytes=0-1,4-5", 1000), null);
});

test("parseRange: unsatisfiable or malformed byte ranges are 416", () => {
  for (const header of ["bytes=1000-", "bytes=2000-3000", "bytes=5-1", "bytes=-0", "bytes=-", "bytes=a-b", "bytes=1.5-2"]) {
    assert.equal(parseRange(header, 1000), "unsatisfiable", header);
  }
  assert.equal(parseRange("bytes=0-", 0), "unsatisfiable");
});
