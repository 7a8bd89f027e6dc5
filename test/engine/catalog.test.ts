// Slow engine test: 25 popular command-line packages of the generated catalog, picked by a rule (catalog-pick.ts),
// built into one ISO and booted; the runtime check must find every ELF file's libraries and run every main command.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { validateSelection, type Selection } from "../../contracts/selection";
import { parseMarker } from "../../worker/engine/boot-test";
import { BootTestFailedError, buildIso } from "../../worker/engine/build-iso";
import { loadCatalog } from "../../worker/engine/channels";
import { popularCommandLinePackages } from "./catalog-pick";

const workDir = mkdtempSync(join(tmpdir(), "zxcv-catalog-test-"));
after(() => rmSync(workDir, { recursive: true, force: true }));

test("25 popular command-line packages picked by a rule build, boot, and every one runs", async () => {
  const catalog = loadCatalog("mini");
  const packages = popularCommandLinePackages(catalog);
  assert.equal(packages.length, 25);
  const selection: Selection = {
    channel: "mini",
    roles: { bootloader: "isolinux", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" },
    packages,
  };
  assert.deepEqual(validateSelection(catalog, selection), []);
  const result = await buildIso({ selection, workDir, bootTest: true });
  const boot = result.bootTests[0]!;
  assert.ok(boot.passed, boot.problem);
  const marker = parseMarker(boot.marker ?? "")!;
  assert.equal(marker.packages.length, 25);
  assert.ok(
    marker.packages.every((p) => !p.endsWith("-BROKEN")),
    marker.packages.join(","),
  );
  const check = boot.checks?.find((c) => c.name === "marker");
  assert.match(check?.detail ?? "", /25 packages: \d+ ELF files found their libraries, \d+ commands ran/);
});

test("a package whose command cannot run is named by the marker check (debconf: a perl script, and the base has no perl)", async () => {
  const selection: Selection = {
    channel: "mini",
    roles: { bootloader: "isolinux", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" },
    packages: ["debconf"],
  };
  await assert.rejects(
    buildIso({ selection, workDir, bootTest: true }),
    (err: unknown) =>
      err instanceof BootTestFailedError && /marker: .*package debconf does not run; package debconf: its command exited with 127/.test(err.message),
  );
});
