"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/auth/current-actor";
import { createMachine, deleteMachine, machineInputSchema, updateMachine } from "@/lib/machines";
import { createProfile, deleteProfile, profileNameSchema } from "@/lib/profiles";
import { importProfile } from "@/lib/profiles/import";
import { fieldErrorsOf, formStateOf, withValues, type FormState } from "./form-state";

function machineInput(form: FormData) {
  return machineInputSchema.safeParse({ name: form.get("name"), arch: form.get("arch"), notes: form.get("notes") ?? "" });
}

export async function createMachineAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = machineInput(form);
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  let machineId: string;
  try {
    machineId = (await createMachine({ actor, input: parsed.data })).id;
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath("/machines");
  redirect(`/machines/${machineId}`);
}

export async function updateMachineAction(machineId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = machineInput(form);
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  try {
    await updateMachine({ actor, machineId, input: parsed.data });
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath(`/machines/${machineId}`);
  return { ok: true, message: "Saved" };
}

export async function deleteMachineAction(machineId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  try {
    await deleteMachine({ actor, machineId });
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath("/machines");
  redirect("/machines");
}

const newProfileSchema = z.object({ name: profileNameSchema, channel: z.string().min(1, "Choose a channel") });

export async function createProfileAction(machineId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = newProfileSchema.safeParse({ name: form.get("name"), channel: form.get("channel") });
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  let profileId: string;
  try {
    profileId = (await createProfile({ actor, machineId, ...parsed.data })).id;
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath(`/machines/${machineId}`);
  redirect(`/machines/${machineId}/profiles/${profileId}`);
}

const importSchema = z.object({ name: profileNameSchema, file: z.instanceof(File, { message: "Choose a profile file" }) });

export async function importProfileAction(machineId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = importSchema.safeParse({ name: form.get("name"), file: form.get("file") });
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  let profileId: string;
  try {
    profileId = (await importProfile({ actor, machineId, name: parsed.data.name, file: parsed.data.file })).id;
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath(`/machines/${machineId}`);
  redirect(`/machines/${machineId}/profiles/${profileId}`);
}

export async function deleteProfileAction(machineId: string, profileId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  try {
    await deleteProfile({ actor, profileId });
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath(`/machines/${machineId}`);
  redirect(`/machines/${machineId}`);
}
