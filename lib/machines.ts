import { z } from "zod";
import { getDb } from "./db";
import { AppError } from "./errors";
import { deleteBuildsAndFiles } from "./profiles/deletion";
import { archSchema, displayNameSchema, isUniqueViolation, notesSchema } from "./names";
import type { Actor } from "./auth/actor";
import { ownedMachine } from "./ownership";

export const machineInputSchema = z.object({ name: displayNameSchema, arch: archSchema, notes: notesSchema });
export type MachineInput = z.infer<typeof machineInputSchema>;

/** The machines the actor owns, newest first, with how many profiles each has. */
export async function listMachines({ actor }: { actor: Actor }) {
  return getDb().machine.findMany({
    where: ownedMachine(actor),
    orderBy: { createdAt: "desc" },
    include: { _count: { select: { profiles: true } } },
  });
}

/** Someone else's machine is NOT_FOUND, exactly like a machine that does not exist. */
export async function getMachineOrThrow({ actor, machineId }: { actor: Actor; machineId: string }) {
  const machine = await getDb().machine.findFirst({ where: { id: machineId, ...ownedMachine(actor) } });
  if (!machine) throw new AppError("NOT_FOUND", "No such machine: it may have been deleted");
  return machine;
}

export async function createMachine({ actor, input }: { actor: Actor; input: MachineInput }) {
  const data = machineInputSchema.parse(input);
  try {
    return await getDb().machine.create({ data: { ...data, ownerId: actor.id } });
  } catch (error) {
    throw duplicateNameOr(error, data.name);
  }
}

export async function updateMachine({ actor, machineId, input }: { actor: Actor; machineId: string; input: MachineInput }) {
  const data = machineInputSchema.parse(input);
  await getMachineOrThrow({ actor, machineId });
  try {
    return await getDb().machine.update({ where: { id: machineId }, data });
  } catch (error) {
    throw duplicateNameOr(error, data.name);
  }
}

/** What deleting a machine takes with it, so the confirmation can say it before anything is lost. */
export async function getMachineDeletionImpact({ actor, machineId }: { actor: Actor; machineId: string }) {
  await getMachineOrThrow({ actor, machineId });
  const db = getDb();
  const inMachine = { revision: { profile: { machineId } } };
  const [profiles, revisions, builds, isos] = await Promise.all([
    db.profile.count({ where: { machineId } }),
    db.profileRevision.count({ where: { profile: { machineId } } }),
    db.build.count({ where: inMachine }),
    db.artifact.count({ where: { kind: "ISO", build: inMachine } }),
  ]);
  return { profiles, revisions, builds, isos };
}

/** Deletes the machine with its profiles, their revisions, builds and ISOs (rows cascade, files follow). */
export async function deleteMachine({ actor, machineId }: { actor: Actor; machineId: string }) {
  await getMachineOrThrow({ actor, machineId });
  await deleteBuildsAndFiles({ revision: { profile: { machineId } } }, (tx) => tx.machine.delete({ where: { id: machineId } }));
}

function duplicateNameOr(error: unknown, name: string): unknown {
  if (!isUniqueViolation(error)) return error;
  return new AppError("CONFLICT", `You already have a machine called "${name}"`, { name: "Choose another name: this one is taken" });
}
