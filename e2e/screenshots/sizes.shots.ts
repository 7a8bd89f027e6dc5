// `npm run screenshots -- sizes`: docs/screenshots/build-sizes.png, the size picture of a real build compared with the
// profile's previous one (a package added), over a budget set just below it. Two real builds on the stack's worker.
import path from "node:path";
import { expect, test } from "../fixtures";
import { createMachine, createProfile, miniCatalog, plainPackage, save } from "../configurator-helpers";

const SCREENSHOTS = path.join(process.cwd(), "docs", "screenshots");
const catalog = miniCatalog();

test("where the size goes, and what changed since the previous build", async ({ signedInPage: page }) => {
  test.setTimeout(900_000);
  await createMachine(page, "size watch");
  await createProfile(page, "lean");
  const profileUrl = page.url();
  const build = async () => {
    await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
    await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 600_000 });
    await page.reload();
  };
  await build();
  await page.goto(profileUrl);
  for (const skip of [0, 1]) {
    const pkg = plainPackage(catalog, skip);
    await page.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).click();
  }
  await save(page, "two packages");
  await page
    .getByTestId("size-budget-form")
    .getByLabel(/ISO size budget/)
    .fill("20");
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByText("Size budget saved")).toBeVisible();
  await build();
  const sizes = page.getByTestId("size-breakdown");
  await expect(sizes.getByTestId("size-bar")).toBeVisible();
  await expect(sizes.getByTestId(`size-change-package-${plainPackage(catalog, 0).id}`)).toContainText("added");
  await expect(sizes.getByTestId("over-budget")).toContainText("over the profile's size budget of 20.0 MiB");
  await sizes.scrollIntoViewIfNeeded();
  await sizes.screenshot({ path: path.join(SCREENSHOTS, "build-sizes.png") });
});
