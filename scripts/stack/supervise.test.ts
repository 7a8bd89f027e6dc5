import assert from "node:assert/strict";
import { test } from "node:test";
import { restartDelayMs } from "./supervise";

test("restarts back off from 1 s, doubling, to at most 30 s", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(restartDelayMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});
