import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDuration, parseLifetimeArgs } from "./lifetime";

test("durations read as people write them, and anything else is refused with what to write", () => {
  assert.equal(parseDuration("90s", "--idle-exit"), 90_000);
  assert.equal(parseDuration("10m", "--idle-exit"), 600_000);
  assert.equal(parseDuration("1h30m", "--max-runtime"), 5_400_000);
  assert.throws(() => parseDuration("10", "--idle-exit"), /--idle-exit "10" is not a duration: use a number with a unit, such as 90s, 10m/);
  assert.throws(() => parseDuration("ten minutes", "--idle-exit"), /not a duration/);
});

test("the worker's options: --idle-exit and --max-runtime, with a space or =, and nothing else", () => {
  assert.deepEqual(parseLifetimeArgs(["--idle-exit", "10m", "--max-runtime=2h"]), { idleExitMs: 600_000, maxRuntimeMs: 7_200_000 });
  assert.deepEqual(parseLifetimeArgs([]), { idleExitMs: null, maxRuntimeMs: null });
  assert.throws(() => parseLifetimeArgs(["--idle", "10m"]), /unknown option --idle/);
  assert.throws(() => parseLifetimeArgs(["10m"]), /unexpected argument "10m"/);
});
