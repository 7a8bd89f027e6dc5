import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

test("rename a machine, add notes, clone a profile to another machine, delete a machine after reading what goes with it", async ({ signedInPage: page }) => {
  const firstUrl = await createMachine(page, "old name");
  await createProfile(page, "base");

  await page.goto(firstUrl);
  await page.getByLabel("Name", { exact: true }).fill("new name");
  await page.getByLabel("Notes").fill("ThinkPad in the lab");
  await page.getByRole("button", { name: "Save machine" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("new name");
  await expect(page.getByText("x86_64 · ThinkPad in the lab")).toBeVisible();

  // A second machine with the same name is refused and the form keeps what was typed.
  await page.goto("/machines");
  await page.getByLabel("Name", { exact: true }).fill("new name");
  await page.getByLabel("Notes").fill("typed notes");
  await page.getByRole("button", { name: "Create machine" }).click();
  await expect(page.getByText("Choose another name: this one is taken")).toBeVisible();
  await expect(page.getByLabel("Notes")).toHaveValue("typed notes");

  await createMachine(page, "second");
  await page.goto(firstUrl);
  await page.getByRole("link", { name: /^base/ }).click();
  await page.getByLabel("Clone to machine").selectOption({ label: "second" });
  await page.getByLabel("Name of the copy").fill("base on second");
  await page.getByRole("button", { name: "Clone" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("base on second");
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("second");

  await page.goto(firstUrl);
  await page.getByText("Delete this machine…").click();
  await expect(page.getByText("This deletes 1 profile, their 1 revision, 0 builds and 0 ISOs")).toBeVisible();
  await page.getByRole("button", { name: "Delete this machine for good" }).click();
  await expect(page).toHaveURL(/\/machines$/);
  await expect(page.getByRole("link", { name: /^new name/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^second/ })).toBeVisible();
});
