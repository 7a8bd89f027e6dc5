import { expect, newPerson, signUp, test } from "./fixtures";

test("a visitor is sent to sign in, signs up and sees the empty machines list", async ({ page }) => {
  await page.goto("/machines");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  const person = await signUp(page, newPerson("smoke"));
  await expect(page.getByRole("heading", { name: "Machines" })).toBeVisible();
  await expect(page.getByText(person.name)).toBeVisible();
  // Tailwind is applied: the page header uses its typography, not the browser's default 32px h1.
  const fontSize = await page.getByRole("heading", { name: "Machines" }).evaluate((el) => getComputedStyle(el).fontSize);
  expect(fontSize).toBe("24px");
});

test("sign-in with a wrong password says so and keeps the email", async ({ page }) => {
  const person = await signUp(page, newPerson("wrongpw"));
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Next's route announcer is an alert too: look for ours by its text.
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(person.email);
});
