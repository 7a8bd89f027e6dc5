import { z } from "zod";
import { selectionSchema } from "@/contracts/selection";
import { catalogIdSchema, catalogSchema, optionalPackageSchema } from "@/contracts/catalog";
import { buildSizesSchema, MAX_MEASURED_BYTES } from "@/contracts/build-result";
import { sizeDiffSchema } from "@/contracts/size-diff";
import { archSchema, displayNameSchema, notesSchema } from "../names";
import { apiTokenExpirySchema, apiTokenNameSchema } from "../api-tokens";
import { MAX_PAGE_SIZE } from "../pagination";

/**
 * Every request and response body of /api/v1, in one place. Requests are strict (unknown fields are refused);
 * responses describe the JSON on the wire and drop anything not listed here (hashes, storage keys).
 * The OpenAPI document is generated from these same schemas.
 */

const id = z.string().min(1).max(64).meta({ description: "An opaque id" });
const dateTime = z.iso.datetime({ offset: true }).meta({ description: "ISO 8601 date and time" });
const nullableDateTime = dateTime.nullable();

// ---- errors -------------------------------------------------------------------------------------------------

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, RATE_LIMITED, UNAVAILABLE or INTERNAL" }),
      message: z.string().meta({ description: "What went wrong and what to do, for a person" }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: "Error" });

// ---- account ------------------------------------------------------------------------------------------------

export const meSchema = z.object({ id, email: z.string(), name: z.string(), role: z.enum(["ADMIN", "MEMBER"]) }).meta({ id: "Me" });

export const apiTokenSchema = z
  .object({
    id,
    name: z.string(),
    prefix: z.string(),
    lastUsedAt: nullableDateTime,
    revokedAt: nullableDateTime,
    expiresAt: nullableDateTime,
    createdAt: dateTime,
  })
  .meta({ id: "ApiToken" });
export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export const createApiTokenBody = z.strictObject({
  name: apiTokenNameSchema,
  expiresInDays: apiTokenExpirySchema.optional().meta({ description: "Days until the token stops working (7, 30, 90 or 365); null or absent: never" }),
});
export const createdApiTokenSchema = z.object({
  token: z.string().meta({ description: 'The secret, shown this once: send it as "Authorization: Bearer <token>"' }),
  apiToken: apiTokenSchema,
});

// ---- catalog ------------------------------------------------------------------------------------------------

export const channelSummarySchema = z.object({ name: z.string(), label: z.string(), revision: z.string() }).meta({ id: "ChannelSummary" });
export const channelListSchema = z.object({ channels: z.array(channelSummarySchema) });
export const channelSchema = channelSummarySchema.extend({ catalog: catalogSchema }).meta({ id: "Channel" });
const packageIdList = z
  .string()
  .max(20_000)
  .transform((text) => text.split(",").filter(Boolean))
  .pipe(z.array(catalogIdSchema).max(500));
export const packageSearchQuery = z.strictObject({
  q: z.string().max(100),
  /** The packages already chosen, comma-separated: `adds` counts only what they do not already bring. */
  selected: packageIdList.optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});
export const packageHitSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    section: z.string(),
    description: z.string(),
    sizeBytes: z.number(),
    /** The size is what a build measured, not the archive's Installed-Size. */
    sizeMeasured: z.boolean(),
    /** `measured`: how many of the packages added have measured sizes (the rest: Installed-Size). */
    adds: z.object({ packages: z.number(), bytes: z.number(), measured: z.number() }),
  })
  .meta({ id: "PackageHit" });
export const packageSearchSchema = z.object({ packages: z.array(packageHitSchema) });
export const packageClosureQuery = z.strictObject({ ids: packageIdList });
export const packageClosureSchema = z.object({ packages: z.array(optionalPackageSchema) });

// ---- machines -----------------------------------------------------------------------------------------------

export const machineSchema = z
  .object({ id, name: z.string(), arch: z.string(), notes: z.string(), createdAt: dateTime, updatedAt: dateTime })
  .meta({ id: "Machine" });
export const machineListSchema = z.object({ machines: z.array(machineSchema.extend({ profileCount: z.int() })) });
export const createMachineBody = z.strictObject({ name: displayNameSchema, arch: archSchema, notes: notesSchema.optional() });
export const updateMachineBody = z.strictObject({ name: displayNameSchema.optional(), arch: archSchema.optional(), notes: z.string().max(4000).optional() });

// ---- profiles and revisions ---------------------------------------------------------------------------------

export const revisionSchema = z
  .object({ id, profileId: id, number: z.int(), selection: selectionSchema, configHash: z.string(), message: z.string(), createdAt: dateTime })
  .meta({ id: "Revision" });
export const revisionListSchema = z.object({ revisions: z.array(revisionSchema) });

export const profileSchema = z
  .object({
    id,
    machineId: id,
    name: z.string(),
    channel: z.string(),
    shareToken: z.string().nullable().meta({ description: "While the profile is shared, the token of its link (/share/p/{shareToken}); null when it is not" }),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .meta({ id: "Profile" });
export const profileDetailSchema = profileSchema.extend({ latest: revisionSchema }).meta({ id: "ProfileDetail" });
export const profileListSchema = z.object({ profiles: z.array(profileDetailSchema) });
export const profileListQuery = z.strictObject({ machineId: id });
export const createProfileBody = z.strictObject({
  machineId: id,
  name: displayNameSchema,
  channel: z.string().min(1).max(64).default("mini"),
  selection: selectionSchema.optional().meta({ description: "Omit for the channel's defaults" }),
});
export const updateProfileBody = z.strictObject({ name: displayNameSchema });
export const createRevisionBody = z.strictObject({
  baseNumber: z.int().min(1).meta({ description: "The revision your change starts from; a save made meanwhile makes this a 409" }),
  selection: selectionSchema,
  message: z.string().max(200).optional(),
});
export const profileTextQuery = z.strictObject({
  baseNumber: z.coerce.number().int().min(1).optional().meta({ description: "As in a revision save; omit to save on top of the latest" }),
});
export const savedTextSchema = z.object({
  revision: revisionSchema,
  created: z.boolean().meta({ description: "false when the text equals the latest revision, which is then returned unchanged" }),
});

// ---- builds and ISOs ----------------------------------------------------------------------------------------

export const buildStatusSchema = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);

export const isoSchema = z
  .object({
    id,
    buildId: id.meta({ description: "The build that produced the file (an earlier one when a build was reused)" }),
    fileName: z.string(),
    sizeBytes: z.int(),
    sha256: z.string(),
    createdAt: dateTime,
    downloadUrl: z.string(),
  })
  .meta({ id: "Iso" });

export const buildAttemptSchema = z
  .object({
    number: z.int(),
    host: z.string().nullable(),
    status: z.enum(["CLAIMED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "LOST"]),
    claimedAt: dateTime,
    startedAt: nullableDateTime,
    finishedAt: nullableDateTime,
    failureReason: z.string().nullable().meta({ description: "Why it failed or was lost, or why its result was refused" }),
  })
  .meta({ id: "BuildAttempt" });

export const buildSchema = z
  .object({
    id,
    revisionId: id,
    profileId: id,
    revisionNumber: z.int(),
    status: buildStatusSchema,
    arch: z.string(),
    channel: z.string(),
    configHash: z.string(),
    attempt: z.int(),
    phase: z.string().nullable(),
    progress: z.number().nullable(),
    failureReason: z.string().nullable(),
    reusedFromId: id.nullable(),
    host: z.string().nullable(),
    queuedAt: dateTime,
    startedAt: nullableDateTime,
    finishedAt: nullableDateTime,
    iso: isoSchema.nullable(),
    waitingReason: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "Set while the build is queued and no build host of its arch is online: why it waits" }),
    attempts: z.array(buildAttemptSchema).meta({ description: "Every attempt so far, oldest first (a reused build has none)" }),
  })
  .meta({ id: "Build" });
/** The cursors of a keyset-paged list (lib/pagination.ts): pass one back as `after` or `before`. */
const pageCursors = {
  olderCursor: z.string().nullable().meta({ description: "Pass as `after` for the next, older page; null on the last page" }),
  newerCursor: z.string().nullable().meta({ description: "Pass as `before` for the previous, newer page; null on the first page" }),
};
export const pageQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .meta({ description: `How many per page (1-${MAX_PAGE_SIZE}; builds 50, ISOs 25 when left out)` }),
  after: z.string().max(200).optional().meta({ description: "A page's `olderCursor`: the page after it, older" }),
  before: z.string().max(200).optional().meta({ description: "A page's `newerCursor`: the page before it, newer" }),
});
export const buildListSchema = z.object({ builds: z.array(buildSchema), ...pageCursors });
export const createBuildBody = z
  .strictObject({
    revisionId: id.optional().meta({ description: "Build this revision" }),
    profileId: id.optional().meta({ description: "Or build the profile's latest revision" }),
  })
  .refine((b) => (b.revisionId === undefined) !== (b.profileId === undefined), { message: "Give exactly one of revisionId and profileId" });

export const isoListSchema = z.object({
  isos: z.array(
    isoSchema.extend({
      requestedBuildId: id.meta({ description: "Your build that resolved to this ISO" }),
      machine: z.string(),
      profile: z.string(),
      profileId: id,
      revisionNumber: z.int(),
      host: z.string().nullable(),
    }),
  ),
  ...pageCursors,
});

export const idParam = id;

// ---- sharing ------------------------------------------------------------------------------------------------

export const shareSchema = z
  .object({ url: z.string().meta({ description: "The link: anyone who has it can read the profile, or see and download the ISO, without signing in" }) })
  .meta({ id: "Share" });

// ---- build hosts --------------------------------------------------------------------------------------------

export const buildHostSchema = z
  .object({
    id,
    name: z.string(),
    arch: z.string(),
    capacity: z.int(),
    nixVersion: z.string().nullable(),
    isOnline: z.boolean(),
    lastHeartbeatAt: nullableDateTime,
    revokedAt: nullableDateTime.meta({ description: "When an admin revoked the host's token; a revoked host gets 401 to every request" }),
    createdAt: dateTime,
  })
  .meta({ id: "BuildHost" });
export const buildHostListSchema = z.object({ hosts: z.array(buildHostSchema) });

// ---- sizes (lib/builds/sizes.ts, docs/sizes.md) -------------------------------------------------------------

export const buildSizesWireSchema = buildSizesSchema.meta({
  id: "BuildSizes",
  description: "Where the ISO's size goes, as the build host measured it: compressedBytes is the ISO, uncompressedBytes the parts summed",
});
export const buildSizeRecordSchema = z
  .object({
    buildId: id,
    profileId: id,
    revisionNumber: z.int(),
    finishedAt: nullableDateTime,
    sizes: buildSizesWireSchema.nullable().meta({ description: "null for a build whose host recorded no sizes (result version 1)" }),
    budgetBytes: z.int().nullable().meta({ description: "The profile's size budget for the ISO, if it has one" }),
    overBudgetBytes: z.int().nullable().meta({ description: "How many bytes the ISO is over the budget; null when it is within it or there is none" }),
  })
  .meta({ id: "BuildSizeRecord" });
export const buildSizeComparisonSchema = z
  .object({
    build: buildSizeRecordSchema,
    against: buildSizeRecordSchema.nullable().meta({ description: "The build compared with; null when the profile has no earlier successful build" }),
    diff: sizeDiffSchema.meta({ id: "SizeDiff" }).nullable().meta({ description: "null when either build has no sizes; changes largest first" }),
  })
  .meta({ id: "BuildSizeComparison" });
export const buildDiffQuery = z.strictObject({
  against: id.optional().meta({ description: "The build to compare with; default: the previous successful build of the same profile" }),
});
export const sizeBudgetBody = z.strictObject({
  budgetBytes: z.int().min(1).max(MAX_MEASURED_BYTES).nullable().meta({ description: "The ISO's size budget in bytes; null removes it" }),
});
export const sizeBudgetSchema = z.object({ profileId: id, budgetBytes: z.int().nullable() }).meta({ id: "SizeBudget" });
