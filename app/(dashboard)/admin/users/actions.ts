"use server";

import { revalidatePath } from "next/cache";
import { requireActor } from "@/lib/auth/current-actor";
import { isAppError } from "@/lib/errors";
import { disableUser, enableUser, inviteUser, revokeInvitation } from "@/lib/users";

export type InviteState = { url?: string; email?: string; message?: string; fieldErrors?: Record<string, string>; values?: { email: string } };

export async function inviteUserAction(_prev: InviteState, form: FormData): Promise<InviteState> {
  const actor = await requireActor();
  const email = String(form.get("email") ?? "");
  try {
    const invitation = await inviteUser({ actor, email });
    revalidatePath("/admin/users");
    return { url: invitation.url, email: invitation.email };
  } catch (error) {
    if (isAppError(error)) return { message: error.message, fieldErrors: error.details as Record<string, string> | undefined, values: { email } };
    throw error;
  }
}

export async function disableUserAction(form: FormData): Promise<void> {
  const actor = await requireActor();
  await disableUser({ actor, userId: String(form.get("userId") ?? "") });
  revalidatePath("/admin/users");
}

export async function enableUserAction(form: FormData): Promise<void> {
  const actor = await requireActor();
  await enableUser({ actor, userId: String(form.get("userId") ?? "") });
  revalidatePath("/admin/users");
}

export async function revokeInvitationAction(form: FormData): Promise<void> {
  const actor = await requireActor();
  await revokeInvitation({ actor, invitationId: String(form.get("invitationId") ?? "") });
  revalidatePath("/admin/users");
}
