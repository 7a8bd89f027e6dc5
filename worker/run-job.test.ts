import assert from "node:assert/strict";
import { test } from "node:test";
import { toPhaseEvent } from "./run-job";

test("engine progress maps onto one progress bar, phase by phase", () => {
  assert.deepEqual(toPhaseEvent({ phase: "preparing" }), { phase: "preparing", progress: 0, detail: "" });
  assert.deepEqual(toPhaseEvent({ phase: "realising", done: 0, total: 4 }), { phase: "realising", progress: 0.1, detail: "0 of 4" });
  assert.deepEqual(toPhaseEvent({ phase: "realising", done: 2, total: 4 }), { phase: "realising", progress: 0.4, detail: "2 of 4" });
  assert.deepEqual(toPhaseEvent({ phase: "realising", done: 4, total: 4 }), { phase: "realising", progress: 0.7, detail: "4 of 4" });
  assert.equal(toPhaseEvent({ phase: "boot-test" }).progress, 0.7);
  assert.equal(toPhaseEvent({ phase: "hashing" }).phase, "uploading", "hashing is shown as part of uploading");
});
