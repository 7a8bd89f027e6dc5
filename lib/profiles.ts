import { z } from "zod";
import { defaultSelection, selectionSchema, type Selection } from "@/contracts/selection";
import { getChannelOrThrow } from "./catalog";
import { getDb } from "./db";
import { AppError } from "./errors";
import { getMachineOrThrow } from "./machines";
import { displayNameSchema, isUniqueViolation } from "./names";
import { deleteBuildsAndFiles } from "./profiles/deletion";
import { toStorableSelection } from "./profiles/selection-check";
import type { Actor } from "./auth/actor";
import { ownedProfile } from "./ownership";

export const profileNameSchema = displayNameSchema;

/** A machine's profiles with their latest revision, most recently changed first. */
export async function listProfiles({ actor, machineId }: { actor: Actor; machineId: string }) {
  await getMachineOrThrow({ actor, machineId });
  return getDb().profile.findMany({
    where: { machineId },
    orderBy: { updatedAt: "desc" },
    include: { revisions: { orderBy: { number: "desc" }, take: 1 }, _count: { select: { revisions: true } } },
  });
}

/** The profile with its machine and latest revision; someone else's profile is NOT_FOUND. */
export async function getProfileOrThrow({ actor, profileId }: { actor: Actor; profileId: string }) {
  const profile = await getDb().profile.findFirst({
    where: { id: profileId, ...ownedProfile(actor) },
    include: { machine: true, revisions: { orderBy: { number: "desc" }, take: 1 } },
  });
  const latest = profile?.revisions[0];
  if (!profile || !latest) throw new AppError("NOT_FOUND", "No such profile: it may have been deleted");
  const { revisions: _, ...rest } = profile;
  return { ...rest, latest: { ...latest, selection: selectionSchema.parse(latest.selection) } };
}

/** Creates a profile and its revision 1: the given selection, or the channel's defaults. */
export async function createProfile({
  actor,
  machineId,
  name,
  channel,
  selection,
  message,
}: {
  actor: Actor;
  machineId: string;
  name: string;
  channel: string;
  selection?: Selection;
  message?: string;
}) {
  const machine = await getMachineOrThrow({ actor, machineId });
  const profileName = profileNameSchema.parse(name);
  const { catalog } = await getChannelOrThrow(channel, { packages: selection?.packages });
  if (!(catalog.arch as string[]).includes(machine.arch)) {
    throw new AppError("BAD_REQUEST", `The ${channel} channel does not build for ${machine.arch}`, { channel: `Builds only for ${catalog.arch.join(", ")}` });
  }
  const stored = toStorableSelection(catalog, selection ?? defaultSelection(catalog));
  try {
    return await getDb().profile.create({
      data: {
        machineId,
        name: profileName,
        channel,
        revisions: { create: { number: 1, selection: stored.selection, configHash: stored.configHash, message: message ?? "Created" } },
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError("CONFLICT", `"${machine.name}" already has a profile called "${profileName}"`, { name: "Choose another name: this one is taken" });
  }
}

export async function renameProfile({ actor, profileId, name }: { actor: Actor; profileId: string; name: string }) {
  const profile = await getProfileOrThrow({ actor, profileId });
  const profileName = profileNameSchema.parse(name);
  try {
    return await getDb().profile.update({ where: { id: profile.id }, data: { name: profileName } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError("CONFLICT", `This machine already has a profile called "${profileName}"`, { name: "Choose another name: this one is taken" });
  }
}

/** Deletes the profile with its revisions, builds and ISOs (rows cascade, files follow). */
export async function deleteProfile({ actor, profileId }: { actor: Actor; profileId: string }) {
  const profile = await getProfileOrThrow({ actor, profileId });
  await deleteBuildsAndFiles({ revision: { profileId: profile.id } }, (tx) => tx.profile.delete({ where: { id: profile.id } }));
  return profile;
}

/** Copies the profile's latest selection to a new profile on another (or the same) machine of the actor. */
export async function cloneProfile({ actor, profileId, targetMachineId, name }: { actor: Actor; profileId: string; targetMachineId: string; name: string }) {
  const source = await getProfileOrThrow({ actor, profileId });
  return createProfile({
    actor,
    machineId: targetMachineId,
    name,
    channel: source.channel,
    selection: source.latest.selection,
    message: `Cloned from ${source.machine.name} / ${source.name} revision ${source.latest.number}`,
  });
}

export const cloneProfileSchema = z.object({ targetMachineId: z.string().min(1, "Choose a machine"), name: profileNameSchema });
