"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { selectionSchema, type Selection } from "@/contracts/selection";
import { requireActor } from "@/lib/auth/current-actor";
import { createBuild } from "@/lib/builds";
import { isAppError } from "@/lib/errors";
import { cloneProfile, cloneProfileSchema, getProfileOrThrow, renameProfile, profileNameSchema } from "@/lib/profiles";
import { importRevision } from "@/lib/profiles/import";
import { restoreRevision, saveRevision } from "@/lib/profiles/revisions";
import { shareProfile, unshareProfile } from "@/lib/sharing";
import { fieldErrorsOf, formStateOf, withValues, type FormState } from "../../../form-state";

export type SavedRevision = { id: string; number: number; selection: Selection; configHash: string; message: string };

export type SaveResult =
  | { ok: true; revision: SavedRevision }
  | { ok: false; message: string; latestNumber?: number; lines?: { line: number; message: string }[] };

const saveSchema = z.object({
  profileId: z.string().min(1),
  baseNumber: z.number().int().min(1),
  selection: selectionSchema,
  message: z.string().max(200, "A revision message is at most 200 characters").default(""),
});

function revisionOf(row: { id: string; number: number; selection: unknown; configHash: string; message: string }): SavedRevision {
  return { id: row.id, number: row.number, selection: selectionSchema.parse(row.selection), configHash: row.configHash, message: row.message };
}

function saveErrorOf(error: unknown): SaveResult {
  if (isAppError(error)) {
    const latestNumber = typeof error.details?.latestNumber === "number" ? error.details.latestNumber : undefined;
    const lines = Array.isArray(error.details?.lines) ? (error.details.lines as { line: number; message: string }[]) : undefined;
    return { ok: false, message: error.message, latestNumber, lines };
  }
  return { ok: false, message: formStateOf(error).message ?? "Not saved" };
}

/** Called by the configurator with the selection it holds; a stale base is refused and the editor keeps its state. */
export async function saveProfileAction(input: z.input<typeof saveSchema>): Promise<SaveResult> {
  const parsed = saveSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  const actor = await requireActor();
  try {
    const revision = await saveRevision({ actor, ...parsed.data });
    revalidatePath(`/machines`, "layout");
    return { ok: true, revision: revisionOf(revision) };
  } catch (error) {
    return saveErrorOf(error);
  }
}

export async function importRevisionAction(profileId: string, baseNumber: number, form: FormData): Promise<SaveResult> {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a profile file" };
  const actor = await requireActor();
  try {
    const revision = await importRevision({ actor, profileId, baseNumber, file });
    revalidatePath(`/machines`, "layout");
    return { ok: true, revision: revisionOf(revision) };
  } catch (error) {
    return saveErrorOf(error);
  }
}

export async function buildRevisionAction(revisionId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  let buildId: string;
  try {
    buildId = (await createBuild({ actor, revisionId })).id;
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath("/builds");
  redirect(`/builds/${buildId}`);
}

export async function cloneProfileAction(profileId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = cloneProfileSchema.safeParse({ targetMachineId: form.get("targetMachineId"), name: form.get("name") });
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  let target: { machineId: string; id: string };
  try {
    target = await cloneProfile({ actor, profileId, ...parsed.data });
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath("/machines", "layout");
  redirect(`/machines/${target.machineId}/profiles/${target.id}`);
}

export async function renameProfileAction(profileId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = z.object({ name: profileNameSchema }).safeParse({ name: form.get("name") });
  if (!parsed.success) return withValues({ fieldErrors: fieldErrorsOf(parsed.error) }, form);
  const actor = await requireActor();
  try {
    await renameProfile({ actor, profileId, name: parsed.data.name });
  } catch (error) {
    return withValues(formStateOf(error), form);
  }
  revalidatePath("/machines", "layout");
  return { ok: true, message: "Renamed" };
}

export async function restoreRevisionAction(profileId: string, number: number, baseNumber: number, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  let machineId: string;
  try {
    await restoreRevision({ actor, profileId, number, baseNumber });
    machineId = (await getProfileOrThrow({ actor, profileId })).machineId;
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath("/machines", "layout");
  redirect(`/machines/${machineId}/profiles/${profileId}`);
}

export async function shareProfileAction(profileId: string, _prev: FormState | undefined, _form: FormData): Promise<FormState | undefined> {
  const actor = await requireActor();
  try {
    await shareProfile({ actor, profileId });
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath("/machines", "layout");
  return {};
}

export async function unshareProfileAction(profileId: string, _prev: FormState | undefined, _form: FormData): Promise<FormState | undefined> {
  const actor = await requireActor();
  try {
    await unshareProfile({ actor, profileId });
  } catch (error) {
    return formStateOf(error);
  }
  revalidatePath("/machines", "layout");
  return {};
}
