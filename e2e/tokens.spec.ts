import { expect, newPerson, signUp, test } from "./fixtures";

test("a token is shown once, works with the API, records its use, and stops at once when revoked", async ({ signedInPage: page, request }) => {
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await page.getByLabel("Token name").fill("laptop CLI");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^zxcv_/);
  const token = (await shown.textContent())!.trim();

  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);

  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  const row = page.getByRole("row", { name: /laptop CLI/ });
  await expect(row).toContainText(token.slice(0, 11));
  await expect(row).not.toContainText(token.slice(11));
  await expect(row).not.toContainText("never");

  await row.getByRole("button", { name: "Revoke laptop CLI" }).click();
  await expect(row).toContainText("Revoked");
  const after = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("UNAUTHORIZED");
});

test("a token name is required and explained", async ({ signedInPage: page }) => {
  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Give the token a name")).toBeVisible();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
});

test("repeated wrong passwords are rate-limited with a clear message", async ({ page }) => {
  const person = await signUp(page, newPerson("limited"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill("wrong password");
    await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), page.getByRole("button", { name: "Sign in" }).click()]);
    await expect(page.getByText("Wrong email or password")).toBeVisible();
    // The form resets after each answer: wait for it before typing the next attempt.
    await expect(page.getByLabel("Password")).toHaveValue("");
  }
  // Even the right password is refused now: the attempts, not the password, are limited.
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/Too many sign-in attempts: try again in \d+ minutes/)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
});
