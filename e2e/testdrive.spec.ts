import { formatTestDriveLimit } from "@/contracts/testdrive";
import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

// The real stack: the ISO is built by the local build host (or reused from an earlier build of the same selection),
// then booted in QEMU on that host; the page shows its serial console in xterm.js. The stack's limit is short
// (TESTDRIVE_LIMIT_SECONDS in scripts/stack/test-run.ts), and the page shows whatever is configured.
test.describe("test-drive", () => {
  test.setTimeout(600_000);

  test("Try it boots the ISO in the page, uname -r answers with the kernel, and the session ends at the limit", async ({ signedInPage: page }) => {
    await createMachine(page, `e2e-testdrive-${Date.now()}`);
    await createProfile(page, "try");
    await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
    await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 540_000 });

    const tryIt = page.getByTestId("try-it");
    await expect(tryIt.getByTestId("testdrive-limits")).toContainText(
      `${formatTestDriveLimit(Number(process.env.TESTDRIVE_LIMIT_SECONDS))} (extendable once), 512 MB of memory`,
    );
    await tryIt.getByLabel("BIOS").check();
    await tryIt.getByRole("button", { name: "Try it" }).click();
    await expect(page.getByTestId("testdrive-status")).toContainText("Running", { timeout: 60_000 });
    await expect(page.getByTestId("testdrive-countdown")).toHaveText(/^\d+:\d\d left$/);

    const terminal = page.getByTestId("testdrive-terminal");
    await expect(terminal.locator(".xterm-rows")).toContainText("zxcv#", { timeout: 150_000 });
    await terminal.click();
    await page.keyboard.type("uname -r");
    await page.keyboard.press("Enter");
    await expect(terminal.locator(".xterm-rows")).toContainText(/\d+\.\d+\.\d+-\d+-(cloud-)?amd64/, { timeout: 30_000 });

    // No one extends it: it ends at the configured limit, and the page says so.
    await expect(page.getByTestId("testdrive-end")).toContainText("The time limit", { timeout: 240_000 });
    await expect(page.getByTestId("testdrive-status")).toContainText("Ended");
  });
});
