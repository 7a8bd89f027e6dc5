// npm run screenshots:iso — docs/screenshots/iso-screen-{bios,uefi}.png: what the screen of a booted mini ISO shows
// (QEMU's screendump after the boot test typed on the USB keyboard), for the README and docs/engine.md. Builds the
// catalog's default selection with SSH on, boots it on BIOS and UEFI, converts with ImageMagick's convert.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSelection } from "../contracts/selection";
import { buildIso } from "../worker/engine/build-iso";
import { loadCatalog, repoRoot } from "../worker/engine/channels";

async function main(): Promise<void> {
  const base = defaultSelection(loadCatalog("mini"));
  const selection = { ...base, roles: { ...base.roles, bootloader: "grub", network: "dhcp", ssh: "dropbear" } };
  const shots = mkdtempSync(join(tmpdir(), "zxcv-shots-"));
  try {
    const result = await buildIso({ selection, workDir: join(repoRoot, ".state", "screenshots"), bootTest: true, screenshotDir: shots });
    const out = join(repoRoot, "docs", "screenshots");
    mkdirSync(out, { recursive: true });
    for (const t of result.bootTests) {
      const file = join(out, `iso-screen-${t.firmware}.png`);
      execFileSync("convert", [join(shots, `iso-screen-${t.firmware}.ppm`), "-strip", file]);
      console.log(`${file} (${t.firmware}, checks: ${(t.checks ?? []).map((c) => `${c.name} ${c.passed ? "ok" : "FAILED"}`).join(", ")})`);
    }
  } finally {
    rmSync(shots, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`screenshots:iso failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
