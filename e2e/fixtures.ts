import { test as base, expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";

export type Person = { email: string; name: string; password: string };

export function newPerson(label = "user"): Person {
  const id = randomBytes(4).toString("hex");
  return { email: `${label}-${id}@example.test`, name: `${label} ${id}`, password: `pw-${randomBytes(8).toString("hex")}` };
}

/** Signs a new person up through the real sign-up page and leaves the page signed in. */
export async function signUp(page: Page, person: Person = newPerson()): Promise<Person> {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Name").fill(person.name);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/machines$/);
  return person;
}

/** `signedInPage`: a page whose browser context belongs to a freshly signed-up person. */
export const test = base.extend<{ person: Person; signedInPage: Page }>({
  person: async ({}, use) => {
    await use(newPerson());
  },
  signedInPage: async ({ page, person }, use) => {
    await signUp(page, person);
    await use(page);
  },
});

export { expect };
