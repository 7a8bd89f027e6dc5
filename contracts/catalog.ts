import { z } from "zod";

/** Names that may appear in a catalog or a selection: lower-case words, never Nix syntax. */
export const CATALOG_ID = /^[a-z0-9][a-z0-9+._-]{0,62}$/;
export const catalogIdSchema = z.string().regex(CATALOG_ID, "must be lower-case letters, digits and + . _ - (at most 63 characters)");

/** A reference from one choice to another, used by `requires` and `conflicts`. */
export const catalogRefSchema = z.union([
  z.strictObject({ role: catalogIdSchema, alternative: catalogIdSchema }),
  z.strictObject({ package: catalogIdSchema }),
]);
export type CatalogRef = z.infer<typeof catalogRefSchema>;

const choiceFields = {
  id: catalogIdSchema,
  label: z.string().min(1),
  description: z.string().min(1),
  /** Estimated bytes this choice adds to the ISO. */
  sizeBytes: z.number().int().nonnegative(),
  requires: z.array(catalogRefSchema).default([]),
  conflicts: z.array(catalogRefSchema).default([]),
};

export const alternativeSchema = z.strictObject({ ...choiceFields });
export type Alternative = z.infer<typeof alternativeSchema>;

export const roleSchema = z.strictObject({
  id: catalogIdSchema,
  label: z.string().min(1),
  description: z.string().min(1),
  default: catalogIdSchema,
  alternatives: z.array(alternativeSchema).min(1),
});
export type Role = z.infer<typeof roleSchema>;

/** What the generated catalog knows of a Debian package (nix/channels/mini/archive.json, written by npm run pin:mini). */
export const debianFieldsSchema = z.strictObject({
  version: z.string().min(1),
  /** Offered packages it needs directly (resolved once, at pin time: see contracts/resolver.ts). */
  depends: z.array(catalogIdSchema),
  /** Offered packages it may not share a system with (Debian's Conflicts and Breaks, either side). */
  conflicts: z.array(catalogIdSchema),
  /** Offered packages that ship one of its files: [package, file]. */
  clashes: z.array(z.tuple([catalogIdSchema, z.string()])),
  /** Its main command, when it ships one named like itself (or only one). */
  command: z.string().optional(),
  priority: z.string().optional(),
});
export type DebianFields = z.infer<typeof debianFieldsSchema>;

export const optionalPackageSchema = z.strictObject({
  ...choiceFields,
  /** A featured category, or Debian's section. */
  category: z.string().min(1),
  /** Hand-picked in catalog.json: the configurator lists these before anyone searches. */
  featured: z.boolean().optional(),
  /** `sizeBytes` is what a build measured the package puts in the image (lib/catalog.ts), not Installed-Size. */
  sizeMeasured: z.boolean().optional(),
  debian: debianFieldsSchema.optional(),
});
export type OptionalPackage = z.infer<typeof optionalPackageSchema>;

export const catalogSchema = z
  .strictObject({
    channel: catalogIdSchema,
    label: z.string().min(1),
    description: z.string().min(1),
    /** Architectures a build host can build this channel for. */
    arch: z.array(z.enum(["x86_64", "aarch64"])).min(1),
    /** Bytes every ISO of this channel carries whatever is selected (base system, ISO overhead). */
    baseSizeBytes: z.number().int().nonnegative(),
    roles: z.array(roleSchema).min(1),
    packages: z.array(optionalPackageSchema),
  })
  .superRefine((catalog, ctx) => {
    const roleIds = new Set<string>();
    for (const role of catalog.roles) {
      if (roleIds.has(role.id)) ctx.addIssue({ code: "custom", message: `role "${role.id}" is listed twice` });
      roleIds.add(role.id);
      if (!role.alternatives.some((alt) => alt.id === role.default)) {
        ctx.addIssue({ code: "custom", message: `role "${role.id}" defaults to "${role.default}", which it does not offer` });
      }
    }
    const packageIds = new Set<string>();
    for (const pkg of catalog.packages) {
      if (packageIds.has(pkg.id)) ctx.addIssue({ code: "custom", message: `package "${pkg.id}" is listed twice` });
      if (roleIds.has(pkg.id)) ctx.addIssue({ code: "custom", message: `package "${pkg.id}" has the name of a role` });
      packageIds.add(pkg.id);
    }
  });
export type Catalog = z.infer<typeof catalogSchema>;

export function findRole(catalog: Catalog, roleId: string): Role | undefined {
  return catalog.roles.find((role) => role.id === roleId);
}

/** Each packages array's index by id, made on first use: a generated catalog has 54,000 packages, and a build host
 * checks every build's selection against it (a scan per package and a Map per check took 22-35 ms). An array that
 * grew since (a catalog slice gaining fetched packages) is indexed again. */
const indexes = new WeakMap<readonly OptionalPackage[], { length: number; byId: ReadonlyMap<string, OptionalPackage> }>();

/** The catalog's packages by id (the schema refuses an id listed twice). */
export function packagesById(catalog: Catalog): ReadonlyMap<string, OptionalPackage> {
  const cached = indexes.get(catalog.packages);
  if (cached?.length === catalog.packages.length) return cached.byId;
  const byId = new Map(catalog.packages.map((pkg) => [pkg.id, pkg]));
  indexes.set(catalog.packages, { length: catalog.packages.length, byId });
  return byId;
}

export function findPackage(catalog: Catalog, packageId: string): OptionalPackage | undefined {
  return packagesById(catalog).get(packageId);
}

export function describeRef(catalog: Catalog, ref: CatalogRef): string {
  if ("package" in ref) return `package ${findPackage(catalog, ref.package)?.label ?? ref.package}`;
  const role = findRole(catalog, ref.role);
  const alt = role?.alternatives.find((a) => a.id === ref.alternative);
  return `${role?.label ?? ref.role} ${alt?.label ?? ref.alternative}`;
}

/** One offered Debian package as the generator wrote it (with its pin: the .deb is fetched only when a build needs it). */
export const archivePackageSchema = z.strictObject({
  ...debianFieldsSchema.shape,
  section: z.string().min(1),
  /** Debian's priority: required and important packages make a Debian base system, optional ones are added by choice. */
  priority: z.string(),
  description: z.string(),
  installedBytes: z.number().int().nonnegative(),
  suite: z.string(),
  path: z.string().regex(/^pool\/[^:]+\.deb$/),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchivePackage = z.infer<typeof archivePackageSchema>;
export const archiveSchema = z.strictObject({ _comment: z.string().optional(), packages: z.record(catalogIdSchema, archivePackageSchema) });
export type Archive = z.infer<typeof archiveSchema>;

/** An archive package as a catalog package (its size: Installed-Size); a featured entry of catalog.json keeps its label, category and text. */
export function catalogPackageFromArchive(id: string, pkg: ArchivePackage, featured?: OptionalPackage): OptionalPackage {
  const { version, depends, conflicts, clashes, command, priority } = pkg;
  return {
    id,
    label: featured?.label ?? id,
    description: featured?.description ?? (pkg.description || id),
    category: featured?.category ?? pkg.section,
    sizeBytes: pkg.installedBytes,
    requires: featured?.requires ?? [],
    conflicts: featured?.conflicts ?? [],
    ...(featured ? { featured: true } : {}),
    debian: { version, depends, conflicts, clashes, priority, ...(command ? { command } : {}) },
  };
}
