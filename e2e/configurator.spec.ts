import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { chooseAlternative, clashingPackage, createMachine, createProfile, miniCatalog, plainPackage, save, swappableRole } from "./configurator-helpers";

const catalog = miniCatalog();

test("create a machine, compose a profile by clicking, swap an alternative, see the diff in the history", async ({ signedInPage: page }) => {
  await createMachine(page, "workstation");
  await createProfile(page, "daily driver");
  await expect(page.getByTestId("revision-number")).toHaveText("1");

  // Compose by clicking: add a package found by searching its description.
  const pkg = plainPackage(catalog);
  await page.getByPlaceholder("Search packages").fill(pkg.description.split(/\s+/).slice(0, 2).join(" "));
  await page.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).click();
  await expect(page.getByRole("button", { name: `Remove ${pkg.label}`, exact: true })).toHaveAttribute("aria-pressed", "true");

  // Swap an alternative: one click.
  const { role, from, to } = swappableRole(catalog);
  await chooseAlternative(page, role.label, to.label);
  const unsaved = page.getByRole("list", { name: "Unsaved changes" });
  await expect(unsaved).toContainText(`${role.label}: ${from.label} → ${to.label}`);
  await expect(unsaved).toContainText(`package ${pkg.label}`);

  await save(page, "first composition");
  await expect(page.getByRole("status").filter({ hasText: "Saved as revision 2." })).toBeVisible();
  await expect(page.getByTestId("revision-number")).toHaveText("2");

  await page.getByPlaceholder("Search packages").fill("");
  await page.getByPlaceholder("Search packages").blur();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 390, height: 844 });
  // On a phone nothing is wider than the screen (the pictures of both: `npm run screenshots`).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole("link", { name: "History" }).click();
  const diff = page.getByTestId("revision-diff");
  await expect(diff).toContainText("From revision 1 to revision 2");
  await expect(diff.getByRole("listitem").filter({ hasText: `${role.label}: ${from.label} → ${to.label}` })).toContainText("swapped");
  await expect(diff.getByRole("listitem").filter({ hasText: `package ${pkg.label}` })).toContainText("added");

  // Restoring revision 1 makes revision 3, with revision 1's selection.
  await page.getByRole("button", { name: "Restore revision 1 as a new revision" }).click();
  await expect(page.getByTestId("revision-number")).toHaveText("3");
  await expect(page.getByLabel(`${role.label}: ${from.label}`)).toBeChecked();
});

test("change one line in the text view and the cards follow; an error points at its line", async ({ signedInPage: page }) => {
  await createMachine(page, "text editor box");
  await createProfile(page, "by text");
  const { role, from, to } = swappableRole(catalog);

  await page.getByRole("tab", { name: "Text" }).click();
  const editor = page.getByLabel(/^Profile text/);
  const text = await editor.inputValue();
  const lines = text.split("\n");
  const lineNo = lines.indexOf(`${role.id} = ${from.id}`) + 1;
  expect(lineNo).toBeGreaterThan(0);

  lines[lineNo - 1] = `${role.id} = ${to.id}`;
  await editor.fill(lines.join("\n"));
  await expect(page.getByRole("list", { name: "Unsaved changes" })).toContainText(`${role.label}: ${from.label} → ${to.label}`);
  await page.getByRole("tab", { name: "Cards" }).click();
  await expect(page.getByLabel(`${role.label}: ${to.label}`)).toBeChecked();

  // A name the catalog does not know: the message says which line, and nothing moves while typing.
  await page.getByRole("tab", { name: "Text" }).click();
  const before = await editor.boundingBox();
  lines[lineNo - 1] = `${role.id} = no-such-thing`;
  await editor.fill(lines.join("\n"));
  await expect(page.getByText(`Line ${lineNo}:`)).toBeVisible();
  await expect(page.getByText(/has no alternative "no-such-thing"/).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeDisabled();
  expect(await editor.boundingBox()).toEqual(before);

  // Syntax that is not "name = value" also points at its line.
  await editor.fill(`${lines.join("\n")}\nthis is not a line`);
  await expect(page.getByText(`Line ${lines.length + 1}:`)).toBeVisible();

  lines[lineNo - 1] = `${role.id} = ${to.id}`;
  await editor.fill(lines.join("\n"));
  await save(page);
  await expect(page.getByTestId("revision-number")).toHaveText("2");
});

test("export and re-import give the same revision hash", async ({ signedInPage: page }) => {
  const machineUrl = await createMachine(page, "exporter");
  await createProfile(page, "original");
  await page.getByRole("button", { name: `Add ${plainPackage(catalog, 1).label}`, exact: true }).click();
  const { role, to } = swappableRole(catalog);
  await chooseAlternative(page, role.label, to.label);
  await save(page);
  await expect(page.getByTestId("revision-number")).toHaveText("2");
  const hash = await page.getByTestId("revision-hash").textContent();

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export revision 2" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^exporter-original-r2\.zxcv$/);
  const file = await download.path();
  const text = readFileSync(file, "utf8");
  expect(text).toContain(`${role.id} = ${to.id}`);

  await page.goto(machineUrl);
  await page.getByLabel("Name for the imported profile").fill("re-imported");
  await page.getByLabel("Profile file").setInputFiles({ name: "profile.zxcv", mimeType: "text/plain", buffer: Buffer.from(text) });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("re-imported");
  await expect(page.getByTestId("revision-hash")).toHaveText(hash!);

  // The same file imported as a new revision of the original keeps the hash too.
  await page.goto(machineUrl);
  await page.getByRole("link", { name: /^original/ }).click();
  await page.getByLabel("Import a file as a new revision").setInputFiles({ name: "profile.zxcv", mimeType: "text/plain", buffer: Buffer.from(text) });
  await page.getByRole("button", { name: "Import as revision" }).click();
  await expect(page.getByText("Imported as revision 3.")).toBeVisible();
  await expect(page.getByTestId("revision-number")).toHaveText("3");
  await expect(page.getByTestId("revision-hash")).toHaveText(hash!);
});

test("a conflict keeps Build away and explains itself; its one-click fix brings Build back", async ({ signedInPage: page }) => {
  await createMachine(page, "conflicted");
  await createProfile(page, "clash");
  const clash = clashingPackage(catalog);
  await page.getByRole("button", { name: `Add ${clash.pkg.label}`, exact: true }).click();
  await chooseAlternative(page, clash.role.label, clash.alt.label);

  const problem = page.getByTestId("problem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText(clash.pkg.label);
  await expect(problem).toContainText(clash.isConflict ? "conflicts with" : "requires");
  await expect(page.getByRole("button", { name: /^Build/ })).toHaveCount(0);
  await expect(page.getByText("Build is offered once the problems above are fixed.")).toBeVisible();

  // Saving a work in progress is allowed; building it is not.
  await save(page);
  await expect(page.getByTestId("revision-number")).toHaveText("2");
  await expect(page.getByRole("button", { name: /^Build/ })).toHaveCount(0);

  await problem.getByRole("button").first().click();
  await expect(page.getByTestId("problem")).toHaveCount(0);
  await save(page);
  await expect(page.getByTestId("revision-number")).toHaveText("3");
  await page.getByRole("button", { name: "Build revision 3" }).click();
  await expect(page).toHaveURL(/\/builds\/[^/]+$/);
  // This spec is about the configurator: free the build host for the build specs.
  const cancel = page.getByRole("button", { name: "Cancel build" });
  if (await cancel.isVisible()) await cancel.click();
});

test("the configurator works from the keyboard", async ({ signedInPage: page }) => {
  await createMachine(page, "keyboard only");
  await createProfile(page, "keys");
  const { role, from, to } = swappableRole(catalog);

  // Arrow keys move within a role's alternatives, as in any radio group.
  await page.getByLabel(`${role.label}: ${from.label}`).focus();
  for (let i = 0; i < role.alternatives.length && !(await page.getByLabel(`${role.label}: ${to.label}`).isChecked()); i++) {
    await page.keyboard.press("ArrowRight");
  }
  await expect(page.getByLabel(`${role.label}: ${to.label}`)).toBeChecked();

  const pkg = plainPackage(catalog);
  await page.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: `Remove ${pkg.label}`, exact: true })).toBeFocused();

  await page.getByRole("tab", { name: "Cards" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Text" })).toBeFocused();
  await expect(page.getByLabel(/^Profile text/)).toHaveValue(new RegExp(`${role.id} = ${to.id}[\\s\\S]*package = ${pkg.id}`));

  await page.getByRole("button", { name: "Save", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("revision-number")).toHaveText("2");
});
