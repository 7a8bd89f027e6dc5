"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { noFields, validatedActionWithUser, type FormState } from "@/lib/actions";
import { cancelBuild, retryBuild } from "@/lib/builds";
import { shareBuild, unshareBuild } from "@/lib/sharing";

const buildIdField = z.object({ buildId: z.string().min(1, "Which build? Reload the page") });

/** Cancels a queued or running build (its host kills Nix and QEMU). */
export const cancelBuildAction = validatedActionWithUser(buildIdField, async ({ buildId }, { actor }) => {
  await cancelBuild({ actor, buildId });
  revalidatePath(`/builds/${buildId}`);
});

/** A failed or cancelled build runs again as a new attempt. */
export const retryBuildAction = validatedActionWithUser(buildIdField, async ({ buildId }, { actor }) => {
  await retryBuild({ actor, buildId });
  revalidatePath(`/builds/${buildId}`);
});

/** Makes a link to the build's ISO, log and configuration. */
export async function shareBuildAction(buildId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await shareBuild({ actor, buildId });
    revalidatePath(`/builds/${buildId}`);
  })(prev, form);
}

/** The build link stops working at once. */
export async function unshareBuildAction(buildId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await unshareBuild({ actor, buildId });
    revalidatePath(`/builds/${buildId}`);
  })(prev, form);
}
