import { expect, test } from "./fixtures";
import { chooseAlternative, createMachine, createProfile, miniCatalog, save, swappableRole } from "./configurator-helpers";

const catalog = miniCatalog();

test("a name with HTML and Nix syntax is shown as typed, never interpreted", async ({ signedInPage: page }) => {
  const name = `<img src=x onerror="window.__pwned=1"> \${builtins.abort "x"}`;
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await createMachine(page, name);
  await createProfile(page, `<b>bold</b> ''\${pkgs.hello}''`);
  await expect(page.locator("img[src=x]")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.goto("/machines");
  await expect(page.getByRole("link", { name: new RegExp("builtins\\.abort") })).toBeVisible();
  expect(dialogs).toBe(0);
});

test("an imported file with an unknown package is refused, naming the package and its line; nothing is created", async ({ signedInPage: page }) => {
  const machineUrl = await createMachine(page, "importer");
  const roleLines = catalog.roles.map((r) => `${r.id} = ${r.default}`);
  const text = ["# hand written", `channel = ${catalog.channel}`, ...roleLines, "package = definitely-not-a-package"].join("\n");
  await page.getByLabel("Name for the imported profile").fill("hand written");
  await page.getByLabel("Profile file").setInputFiles({ name: "bad.zxcv", mimeType: "text/plain", buffer: Buffer.from(text) });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `line ${roleLines.length + 3}` })).toContainText("definitely-not-a-package");
  await expect(page.getByLabel("Name for the imported profile")).toHaveValue("hand written");
  await page.goto(machineUrl);
  await expect(page.getByText("No profiles yet")).toBeVisible();
});

test("a 5 MB file is refused before it is sent", async ({ signedInPage: page }) => {
  await createMachine(page, "big file");
  await page.getByLabel("Name for the imported profile").fill("huge");
  await page.getByLabel("Profile file").setInputFiles({ name: "huge.zxcv", mimeType: "text/plain", buffer: Buffer.alloc(5 * 1024 * 1024, "#") });
  await expect(page.getByText(/That file is 5\.0 MB; a profile file is at most 2048 KB/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeDisabled();
});

test("two tabs saving the same profile: the second is refused and keeps its edits", async ({ signedInPage: page, context }) => {
  await createMachine(page, "two tabs");
  const url = await createProfile(page, "shared");
  const other = await context.newPage();
  await other.goto(url);

  const { role, to } = swappableRole(catalog);
  await chooseAlternative(page, role.label, to.label);
  await save(page);
  await expect(page.getByTestId("revision-number")).toHaveText("2");

  const pkg = catalog.packages.find((p) => p.requires.length === 0 && p.conflicts.length === 0)!;
  await other.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).click();
  await save(other);
  await expect(other.getByText(/This profile was saved elsewhere as revision 2; your changes are kept in the editor/)).toBeVisible();
  await expect(other.getByRole("button", { name: `Remove ${pkg.label}`, exact: true })).toBeVisible();
  await expect(other.getByTestId("revision-number")).toHaveText("1");

  // Having reviewed, the person saves on top of revision 2 on purpose.
  await other.getByRole("button", { name: "Save over revision 2 as 3" }).click();
  await expect(other.getByTestId("revision-number")).toHaveText("3");
});

test("unsaved edits are kept in the browser and offered back when the profile is opened again", async ({ signedInPage: page, context }) => {
  await createMachine(page, "drafts");
  const url = await createProfile(page, "draft");
  const pkg = catalog.packages.find((p) => p.requires.length === 0 && p.conflicts.length === 0)!;
  await page.getByRole("button", { name: `Add ${pkg.label}`, exact: true }).click();
  await expect(page.getByRole("list", { name: "Unsaved changes" })).toContainText(pkg.label);

  const later = await context.newPage();
  await later.goto(url);
  await expect(later.getByRole("alert").filter({ hasText: "unsaved edits from an earlier visit (based on revision 1)" })).toBeVisible();
  await later.getByRole("button", { name: "Restore my edits" }).click();
  await expect(later.getByLabel(/^Profile text/)).toHaveValue(new RegExp(`package = ${pkg.id}`));
  await expect(later.getByRole("list", { name: "Unsaved changes" })).toContainText(pkg.label);
});
