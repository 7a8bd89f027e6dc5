import type { Prisma } from "@/generated/prisma/client";
import type { Actor } from "./auth/actor";

/**
 * What "belongs to this person" means, once per model (documenso's query fragments). Every query that reads or
 * changes a person's rows puts one of these in its `where`, so the rule cannot drift between queries; someone
 * else's row then matches nothing and the caller answers NOT_FOUND, as for a missing one.
 */

/** A machine is its owner's. */
export const ownedMachine = (actor: Actor) => ({ ownerId: actor.id }) satisfies Prisma.MachineWhereInput;

/** A profile is the owner's of its machine. */
export const ownedProfile = (actor: Actor) => ({ machine: ownedMachine(actor) }) satisfies Prisma.ProfileWhereInput;

/** A revision is the owner's of its profile. */
export const ownedRevision = (actor: Actor) => ({ profile: ownedProfile(actor) }) satisfies Prisma.ProfileRevisionWhereInput;

/** A build is the requester's (a shared build is read through its link, not through this rule). */
export const ownedBuild = (actor: Actor) => ({ requestedById: actor.id }) satisfies Prisma.BuildWhereInput;

/** An artifact is the requester's of its build, or of any build that reuses it. */
export const ownedArtifact = (actor: Actor) =>
  ({ OR: [{ build: ownedBuild(actor) }, { build: { reusedBy: { some: ownedBuild(actor) } } }] }) satisfies Prisma.ArtifactWhereInput;

/** An API token is its user's. */
export const ownedApiToken = (actor: Actor) => ({ userId: actor.id }) satisfies Prisma.ApiTokenWhereInput;
