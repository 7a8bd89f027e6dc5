"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrorsOf, formStateOf, withValues, type FormState } from "@/app/(dashboard)/machines/form-state";
import { requireActor } from "@/lib/auth/current-actor";
import { profileNameSchema } from "@/lib/profiles";
import { importSharedProfile } from "@/lib/sharing";

const importSchema = z.object({ machineId: z.string().min(1, "Choose a machine"), name: profileNameSchema });

/** Copies the shared profile into one of the signed-in person's machines and opens the copy. */
export async function importSharedProfileAction(token: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = importSchema.safeParse({ machineId: form.get("machineId"), name: form.get("name") });
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  let created: { id: string; machineId: string };
  try {
    created = await importSharedProfile({ actor, token, ...parsed.data });
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath("/machines", "layout");
  redirect(`/machines/${created.machineId}/profiles/${created.id}`);
}
