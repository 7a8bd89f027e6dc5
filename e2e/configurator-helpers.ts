import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { catalogSchema, type Catalog } from "@/contracts/catalog";

/** The specs read the same catalog the app was seeded from: nothing about packages is assumed. */
export function miniCatalog(): Catalog {
  const file = path.join(process.cwd(), "nix", "channels", "mini", "catalog.json");
  return catalogSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** A role with an alternative other than its default, to swap to. */
export function swappableRole(catalog: Catalog) {
  const role = catalog.roles.find((r) => r.alternatives.length > 1)!;
  const from = role.alternatives.find((a) => a.id === role.default)!;
  const to = role.alternatives.find((a) => a.id !== role.default && a.requires.length === 0 && a.conflicts.length === 0)!;
  return { role, from, to };
}

/** An optional package with no requirements or conflicts. */
export function plainPackage(catalog: Catalog, skip = 0) {
  return catalog.packages.filter((p) => p.requires.length === 0 && p.conflicts.length === 0)[skip]!;
}

/** A package that conflicts with a role's alternative (or, failing that, one that requires one). */
export function clashingPackage(catalog: Catalog) {
  for (const pkg of catalog.packages) {
    for (const ref of [...pkg.conflicts, ...pkg.requires]) {
      if (!("role" in ref)) continue;
      const role = catalog.roles.find((r) => r.id === ref.role)!;
      const isConflict = pkg.conflicts.includes(ref);
      // For a conflict choose the clashing alternative; for a requirement choose any other one.
      const alt = isConflict ? role.alternatives.find((a) => a.id === ref.alternative)! : role.alternatives.find((a) => a.id !== ref.alternative)!;
      return { pkg, role, alt, isConflict };
    }
  }
  throw new Error("the catalog has no package that conflicts with or requires a role alternative");
}

export async function createMachine(page: Page, name: string) {
  await page.goto("/machines");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create machine" }).click();
  await expect(page).toHaveURL(/\/machines\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name.trim());
  return page.url();
}

export async function createProfile(page: Page, name: string) {
  await page.getByLabel("Profile name").fill(name);
  await page.getByRole("button", { name: "New profile" }).click();
  await expect(page).toHaveURL(/\/profiles\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  return page.url();
}

export async function chooseAlternative(page: Page, roleLabel: string, altLabel: string) {
  await page
    .getByRole("group", { name: new RegExp(`^${escape(roleLabel)} — `) })
    .getByText(altLabel, { exact: true })
    .click();
  await expect(page.getByLabel(`${roleLabel}: ${altLabel}`)).toBeChecked();
}

export async function save(page: Page, message?: string) {
  if (message) await page.getByLabel("What changed (optional)").fill(message);
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

export function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
