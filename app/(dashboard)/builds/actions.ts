"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor } from "@/lib/auth/current-actor";
import { cancelBuild, createBuild, retryBuild } from "@/lib/builds";
import { isAppError } from "@/lib/errors";
import { shareBuild, unshareBuild } from "@/lib/sharing";

export type BuildActionState = { message?: string };

async function run(action: () => Promise<unknown>): Promise<BuildActionState | undefined> {
  try {
    await action();
  } catch (error) {
    if (isAppError(error)) return { message: error.message };
    throw error;
  }
}

export async function cancelBuildAction(_prev: BuildActionState | undefined, form: FormData) {
  const actor = await requireActor();
  const buildId = String(form.get("buildId") ?? "");
  const failed = await run(() => cancelBuild({ actor, buildId }));
  if (failed) return failed;
  revalidatePath(`/builds/${buildId}`);
  return {};
}

export async function retryBuildAction(_prev: BuildActionState | undefined, form: FormData) {
  const actor = await requireActor();
  const buildId = String(form.get("buildId") ?? "");
  const failed = await run(() => retryBuild({ actor, buildId }));
  if (failed) return failed;
  revalidatePath(`/builds/${buildId}`);
  return {};
}

/** Build a revision and go to its page (a second click lands on the same build). */
export async function createBuildAction(_prev: BuildActionState | undefined, form: FormData) {
  const actor = await requireActor();
  let buildId = "";
  const failed = await run(async () => {
    buildId = (await createBuild({ actor, revisionId: String(form.get("revisionId") ?? "") })).id;
  });
  if (failed) return failed;
  redirect(`/builds/${buildId}`);
}

export async function shareBuildAction(buildId: string, _prev: BuildActionState | undefined, _form: FormData) {
  const actor = await requireActor();
  const failed = await run(() => shareBuild({ actor, buildId }));
  if (failed) return failed;
  revalidatePath(`/builds/${buildId}`);
  return {};
}

export async function unshareBuildAction(buildId: string, _prev: BuildActionState | undefined, _form: FormData) {
  const actor = await requireActor();
  const failed = await run(() => unshareBuild({ actor, buildId }));
  if (failed) return failed;
  revalidatePath(`/builds/${buildId}`);
  return {};
}
