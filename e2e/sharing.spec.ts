import { expect, newPerson, signUp, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

test("A shares a profile by link, a signed-out browser reads it, another person imports it, and it 404s once A stops sharing", async ({
  signedInPage: page,
  browser,
}) => {
  await createMachine(page, "shared box");
  await createProfile(page, "kiosk");
  const profileUrl = page.url();

  await page.getByRole("button", { name: "Share by link" }).click();
  const linkField = page.getByTestId("share-link");
  await expect(linkField).toHaveValue(/\/share\/p\/[\w-]{24}$/);
  const link = await linkField.inputValue();

  // Nobody signed in: the link shows the profile text and summary, and importing asks to sign in.
  const stranger = await browser.newContext();
  const anon = await stranger.newPage();
  const response = await anon.goto(link);
  expect(response?.status()).toBe(200);
  await expect(anon.getByTestId("shared-title")).toHaveText("shared box / kiosk");
  await expect(anon.getByTestId("shared-profile-text")).toContainText("channel = mini");
  await expect(anon.getByText("Sign in to import")).toBeVisible();
  await expect(anon.locator("body")).not.toContainText("@example.test");

  // Someone else signed in copies it into their own machine.
  const other = await browser.newContext();
  const bob = await other.newPage();
  await signUp(bob, newPerson("bob"));
  await createMachine(bob, "bob box");
  await bob.goto(link);
  await bob.getByLabel("Name of the copy").fill("kiosk from a link");
  await bob.getByRole("button", { name: "Import into my machines" }).click();
  await expect(bob.getByRole("heading", { level: 1 })).toHaveText("kiosk from a link");
  // ... but A's own profile page stays A's.
  expect((await bob.goto(profileUrl))?.status()).toBe(404);

  await page.getByRole("button", { name: "Stop sharing" }).click();
  await expect(page.getByRole("button", { name: "Share by link" })).toBeVisible();
  expect((await anon.goto(link))?.status()).toBe(404);

  await stranger.close();
  await other.close();
});
