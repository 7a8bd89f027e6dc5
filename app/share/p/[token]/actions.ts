"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedActionWithUser, type FormState } from "@/lib/actions";
import { profileNameSchema } from "@/lib/profiles";
import { importSharedProfile } from "@/lib/sharing";

const importSchema = z.object({ machineId: z.string().min(1, "Choose a machine"), name: profileNameSchema });

/** Copies the shared profile into one of the signed-in person's machines and opens the copy. */
export async function importSharedProfileAction(token: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(importSchema, async (input, { actor }) => {
    const created = await importSharedProfile({ actor, token, ...input });
    revalidatePath("/machines", "layout");
    redirect(`/machines/${created.machineId}/profiles/${created.id}`);
  })(prev, form);
}
