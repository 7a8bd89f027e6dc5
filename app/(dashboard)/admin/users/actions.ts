"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/actions";
import { disableUser, enableUser, inviteUser, revokeInvitation } from "@/lib/users";

/** The admin's one-time sign-up link for an email address, shown once. */
export const inviteUserAction = validatedActionWithUser(z.object({ email: z.string() }), async ({ email }, { actor }) => {
  const invitation = await inviteUser({ actor, email });
  revalidatePath("/admin/users");
  return { ok: true, data: { url: invitation.url, email: invitation.email } };
});

const userIdField = z.object({ userId: z.string().min(1) });

/** Disables an account and ends its sessions (admins; not one's own). */
export const disableUserAction = validatedActionWithUser(userIdField, async ({ userId }, { actor }) => {
  await disableUser({ actor, userId });
  revalidatePath("/admin/users");
});

/** Lets a disabled account sign in again (admins). */
export const enableUserAction = validatedActionWithUser(userIdField, async ({ userId }, { actor }) => {
  await enableUser({ actor, userId });
  revalidatePath("/admin/users");
});

/** The invitation link stops working (admins). */
export const revokeInvitationAction = validatedActionWithUser(z.object({ invitationId: z.string().min(1) }), async ({ invitationId }, { actor }) => {
  await revokeInvitation({ actor, invitationId });
  revalidatePath("/admin/users");
});
