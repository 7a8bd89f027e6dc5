"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { selectionSchema } from "@/contracts/selection";
import { noFields, validatedActionWithUser, type FormState } from "@/lib/actions";
import { createBuild, type BuildStarted } from "@/lib/builds";
import { setProfileSizeBudget, sizeBudgetFormSchema } from "@/lib/builds/sizes";
import { isBuildActive } from "@/lib/builds/state";
import { cloneProfile, cloneProfileSchema, getProfileOrThrow, renameProfile, profileNameSchema } from "@/lib/profiles";
import { importRevision } from "@/lib/profiles/import";
import { restoreRevision, saveRevision, toSavedRevision, type SavedRevision } from "@/lib/profiles/revisions";
import { shareProfile, unshareProfile } from "@/lib/sharing";
import { hashSystemPassword } from "@/lib/system-password";

/** A save or an import: the new revision, or why not (a stale base names the newest revision). */
export type SaveResult = FormState<SavedRevision>;

const saveSchema = z.object({
  profileId: z.string().min(1),
  baseNumber: z.number().int().min(1),
  selection: selectionSchema,
  message: z.string().max(200, "A revision message is at most 200 characters").default(""),
});

/** Called by the configurator with the selection it holds; a stale base is refused and the editor keeps its state. */
export async function saveProfileAction(input: z.input<typeof saveSchema>): Promise<SaveResult> {
  return validatedActionWithUser(saveSchema, async (data, { actor }) => {
    const revision = await saveRevision({ actor, ...data });
    revalidatePath(`/machines`, "layout");
    return { ok: true, data: toSavedRevision(revision) };
  })(undefined, input);
}

const importFileSchema = z.object({ file: z.instanceof(File, { message: "Choose a profile file" }).refine((file) => file.size > 0, "Choose a profile file") });

/** A profile file becomes the profile's next revision (refused when another save came first). */
export async function importRevisionAction(profileId: string, baseNumber: number, form: FormData): Promise<SaveResult> {
  return validatedActionWithUser(importFileSchema, async ({ file }, { actor }) => {
    const revision = await importRevision({ actor, profileId, baseNumber, file });
    revalidatePath(`/machines`, "layout");
    return { ok: true, data: toSavedRevision(revision) };
  })(undefined, form);
}

/**
 * Builds a saved revision (a second click finds the same build). It answers the build's id rather than redirecting:
 * the page starts following the build's log and opens the build page at once (BuildControl), so the first line is
 * not held back until the new page has been rendered, sent and drawn.
 */
export async function buildRevisionAction(revisionId: string, prev: FormState<BuildStarted>, form: FormData): Promise<FormState<BuildStarted>> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    const build = await createBuild({ actor, revisionId });
    // No revalidatePath: the builds pages are rendered on each visit, and a revalidation here would make Next.js
    // render this configurator again into the answer, while the build page is being rendered.
    return { ok: true, data: { buildId: build.id, isLive: isBuildActive(build.status) } };
  })(prev, form);
}

/** Copies the profile's latest revision to a profile on one of the actor's machines. */
export async function cloneProfileAction(profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(cloneProfileSchema, async (input, { actor }) => {
    const target = await cloneProfile({ actor, profileId, ...input });
    revalidatePath("/machines", "layout");
    redirect(`/machines/${target.machineId}/profiles/${target.id}`);
  })(prev, form);
}

/** Renames the profile. */
export async function renameProfileAction(profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(z.object({ name: profileNameSchema }), async ({ name }, { actor }) => {
    await renameProfile({ actor, profileId, name });
    revalidatePath("/machines", "layout");
    return { ok: true, message: "Renamed" };
  })(prev, form);
}

/** An old revision becomes the newest one; history is never rewritten. */
export async function restoreRevisionAction(profileId: string, number: number, baseNumber: number, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await restoreRevision({ actor, profileId, number, baseNumber });
    const { machineId } = await getProfileOrThrow({ actor, profileId });
    revalidatePath("/machines", "layout");
    redirect(`/machines/${machineId}/profiles/${profileId}`);
  })(prev, form);
}

/** Makes a read-only link to the profile's latest revision. */
export async function shareProfileAction(profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await shareProfile({ actor, profileId });
    revalidatePath("/machines", "layout");
  })(prev, form);
}

/** The profile link stops working at once. */
export async function unshareProfileAction(profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(noFields, async (_input, { actor }) => {
    await unshareProfile({ actor, profileId });
    revalidatePath("/machines", "layout");
  })(prev, form);
}

/** Sets the profile's ISO size budget (in MiB on the form), or removes it when the field is empty. */
export async function setSizeBudgetAction(profileId: string, prev: FormState, form: FormData): Promise<FormState> {
  return validatedActionWithUser(sizeBudgetFormSchema, async ({ budget }, { actor }) => {
    await setProfileSizeBudget({ actor, profileId, budgetBytes: budget });
    revalidatePath("/machines", "layout");
    return { ok: true, message: budget === null ? "No size budget: builds are not checked against one" : "Size budget saved: builds over it will say so" };
  })(prev, form);
}

const systemPasswordSchema = z.object({
  password: z.string().min(8, "A password is at least 8 characters").max(200, "A password is at most 200 characters"),
});

/** A user's (or root's) password for the built system becomes its sha512-crypt hash here; the clear text goes no further. */
export async function hashSystemPasswordAction(input: z.input<typeof systemPasswordSchema>): Promise<FormState<string>> {
  return validatedActionWithUser(systemPasswordSchema, async ({ password }) => ({ ok: true, data: hashSystemPassword(password) }))(undefined, input);
}
