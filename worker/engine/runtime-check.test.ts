import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRuntimeLine, runtimeReport } from "./runtime-check";

test("runtime lines name missing libraries and failed commands, per package", () => {
  assert.deepEqual(parseRuntimeLine("junk ZXCV-RUNTIME foo elf=3 missing=/usr/bin/foo:libbar.so.1+libbaz.so.2+ command=failed-127"), {
    id: "foo",
    elf: 3,
    missing: [{ file: "/usr/bin/foo", libraries: ["libbar.so.1", "libbaz.so.2"] }],
    command: "failed-127",
  });
  const report = runtimeReport(
    ["ZXCV-RUNTIME ok1 elf=2 missing=none command=ok", "ZXCV-RUNTIME foo elf=1 missing=/usr/bin/foo:libx.so+ command=ok"],
    ["ok1", "foo", "gone"],
  );
  assert.deepEqual(report.problems, ["package foo: /usr/bin/foo does not find libx.so", "package gone: no runtime check reported"]);
  assert.equal(report.detail, "3 packages: 3 ELF files found their libraries, 2 commands ran");
});
