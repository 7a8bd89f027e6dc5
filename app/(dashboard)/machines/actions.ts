"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { noFields, validatedActionWithUser, type FormState } from "@/lib/actions";
import { createMachine, deleteMachine, machineInputSchema, updateMachine } from "@/lib/machines";
import { createProfile, deleteProfile, profileNameSchema } from "@/lib/profiles";
import { importProfile } from "@/lib/profiles/import";

/** Registers a machine and opens it. */
export const createMachineAction = validatedActionWithUser(machineInputSchema, async (input, { actor }) => {
  const machine = await createMachine({ actor, input });
  revalidatePath("/machines");
  redirect(`/machines/${machine.id}`);
});

/** Renames a machine or changes its architecture or notes. */
export async function updateMachineAction(machineId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(machineInputSchema, async (input, { actor }) => {
    await updateMachine({ actor, machineId, input });
    revalidatePath(`/machines/${machineId}`);
    return { ok: true, message: "Saved" };
  })(prev, form);
}

/** Deletes a machine with its profiles, builds and ISOs (the form says what goes first). */
export async function deleteMachineAction(machineId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await deleteMachine({ actor, machineId });
    revalidatePath("/machines");
    redirect("/machines");
  })(prev, form);
}

const newProfileSchema = z.object({ name: profileNameSchema, channel: z.string().min(1, "Choose a channel") });

/** A new profile from the channel's defaults, opened in the configurator. */
export async function createProfileAction(machineId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(newProfileSchema, async (input, { actor }) => {
    const profile = await createProfile({ actor, machineId, ...input });
    revalidatePath(`/machines/${machineId}`);
    redirect(`/machines/${machineId}/profiles/${profile.id}`);
  })(prev, form);
}

const importSchema = z.object({ name: profileNameSchema, file: z.instanceof(File, { message: "Choose a profile file" }) });

/** A new profile from a profile file, opened in the configurator. */
export async function importProfileAction(machineId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(importSchema, async (input, { actor }) => {
    const profile = await importProfile({ actor, machineId, ...input });
    revalidatePath(`/machines/${machineId}`);
    redirect(`/machines/${machineId}/profiles/${profile.id}`);
  })(prev, form);
}

/** Deletes a profile with its revisions, builds and ISOs. */
export async function deleteProfileAction(machineId: string, profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await deleteProfile({ actor, profileId });
    revalidatePath(`/machines/${machineId}`);
    redirect(`/machines/${machineId}`);
  })(prev, form);
}
