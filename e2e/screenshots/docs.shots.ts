// `npm run screenshots`: the pictures in docs/screenshots/, taken from the real stack. Not part of `npm test`
// (its specs never write into docs/); the same flows are asserted there by e2e/configurator.spec.ts and e2e/build.spec.ts.
import path from "node:path";
import { expect, test } from "../fixtures";
import { chooseAlternative, createMachine, createProfile, miniCatalog, plainPackage, save, swappableRole } from "../configurator-helpers";

const SCREENSHOTS = path.join(process.cwd(), "docs", "screenshots");
const catalog = miniCatalog();

test("the configurator, on a desktop and on a phone", async ({ signedInPage: page }) => {
  await createMachine(page, "workstation");
  await createProfile(page, "daily driver");
  const pkg = plainPackage(catalog);
  await page.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).click();
  const { role, to } = swappableRole(catalog);
  await chooseAlternative(page, role.label, to.label);
  await save(page, "first composition");
  await expect(page.getByTestId("revision-number")).toHaveText("2");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, "configurator-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SCREENSHOTS, "configurator-phone.png") });
});

test("a build while its log streams, then the downloads page", async ({ signedInPage: page }) => {
  test.setTimeout(600_000);
  await createMachine(page, "build box");
  await createProfile(page, "desktop");
  await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
  await expect(page.getByTestId("build-log")).toContainText("zxcv: build", { timeout: 60_000 });
  await expect(page.getByTestId("build-status")).not.toHaveText("queued");
  await page.screenshot({ path: path.join(SCREENSHOTS, "build-live.png"), fullPage: true });
  await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 540_000 });
  await page.getByRole("link", { name: "Downloads" }).click();
  await expect(page.getByTestId("download-item").first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, "downloads.png"), fullPage: true });
});
