// `npm run screenshots`: a test-drive in the build page (docs/screenshots/testdrive.png), from the real stack; the same
// flow is asserted by e2e/testdrive.spec.ts.
import path from "node:path";
import { expect, test } from "../fixtures";
import { createMachine, createProfile } from "../configurator-helpers";

test("a test-drive: the ISO's serial console in the build page", async ({ signedInPage: page }) => {
  test.setTimeout(600_000);
  await createMachine(page, "test rig");
  await createProfile(page, "try me");
  await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
  await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 540_000 });
  await page.getByTestId("try-it").getByRole("button", { name: "Try it" }).click();
  const rows = page.getByTestId("testdrive-terminal").locator(".xterm-rows");
  await expect(rows).toContainText("zxcv#", { timeout: 150_000 });
  await page.getByTestId("testdrive-terminal").click();
  await page.keyboard.type("uname -r; cat /etc/motd; ls /");
  await page.keyboard.press("Enter");
  await expect(rows).toContainText(/\d+\.\d+\.\d+-\d+-(cloud-)?amd64/, { timeout: 30_000 });
  await page.getByTestId("try-it").scrollIntoViewIfNeeded();
  await page.getByTestId("try-it").screenshot({ path: path.join(process.cwd(), "docs", "screenshots", "testdrive.png") });
  await page.getByRole("button", { name: "End", exact: true }).click();
  await expect(page.getByTestId("testdrive-end")).toContainText("Ended in the page");
});
