import { z } from "zod";
import { getDb } from "./db";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { isAdmin, type Actor } from "./auth/actor";
import { createUser } from "./auth/sessions";
import { createAdminWithSetupToken, isSetupToken } from "./auth/setup";
import { hashSecret, newSecret } from "./auth/tokens";

const INVITATION_DAYS = 7;

export const inviteSchema = z.object({
  email: z
    .email({ message: "Enter an email address such as ada@example.org" })
    .max(200)
    .transform((e) => e.toLowerCase()),
});

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only the dashboard's admin can manage accounts");
}

/** Every account with what it owns, for the admin's Users page. Never includes password hashes. */
export async function listUsers({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  return getDb().user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true, _count: { select: { machines: true, builds: true } } },
  });
}

/** Invitations not yet accepted, newest first (expired ones included, marked by their date). */
export async function listInvitations({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  return getDb().invitation.findMany({
    where: { acceptedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, expiresAt: true, createdAt: true },
  });
}

/**
 * Creates a one-time sign-up link for `email`, valid for a week. The admin sends it; only its hash is stored,
 * so the link is shown once. The person chooses their own password (no temporary password travels by mail).
 */
export async function inviteUser({ actor, email }: { actor: Actor; email: string }): Promise<{ url: string; email: string; expiresAt: Date }> {
  requireAdmin(actor);
  const parsed = inviteSchema.safeParse({ email });
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues[0]!.message, { email: parsed.error.issues[0]!.message });
  const db = getDb();
  if (await db.user.findUnique({ where: { email: parsed.data.email } })) {
    throw new AppError("CONFLICT", `${parsed.data.email} already has an account`, { email: "Already has an account" });
  }
  const token = newSecret("zi");
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
  await db.invitation.create({ data: { email: parsed.data.email, tokenHash: hashSecret(token), createdById: actor.id, expiresAt } });
  return { url: `${getEnv().APP_URL}/sign-up?invite=${encodeURIComponent(token)}`, email: parsed.data.email, expiresAt };
}

export async function revokeInvitation({ actor, invitationId }: { actor: Actor; invitationId: string }): Promise<void> {
  requireAdmin(actor);
  await getDb().invitation.deleteMany({ where: { id: invitationId, acceptedAt: null } });
}

/** Disables an account: its sessions end now and its API tokens stop working (they are checked per request). */
export async function disableUser({ actor, userId }: { actor: Actor; userId: string }): Promise<void> {
  requireAdmin(actor);
  if (userId === actor.id) throw new AppError("BAD_REQUEST", "You cannot disable your own account");
  const db = getDb();
  const updated = await db.user.updateMany({ where: { id: userId, disabledAt: null }, data: { disabledAt: new Date() } });
  if (updated.count === 0 && !(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", "No such account");
  }
  await db.session.deleteMany({ where: { userId } });
}

export async function enableUser({ actor, userId }: { actor: Actor; userId: string }): Promise<void> {
  requireAdmin(actor);
  const updated = await getDb().user.updateMany({ where: { id: userId }, data: { disabledAt: null } });
  if (updated.count === 0) throw new AppError("NOT_FOUND", "No such account");
}

/** Whether the sign-up page should ask for an invitation (closed sign-up; the admin's own is the setup link). */
export async function isInvitationRequired(): Promise<boolean> {
  return !getEnv().ZXCV_OPEN_SIGNUP;
}

/**
 * Sign-up under the dashboard's policy: open (ZXCV_OPEN_SIGNUP, the default) lets anyone in as a member; closed
 * only people with an unexpired invitation for their email. The admin account comes from the start's setup link.
 */
export async function registerUser({ inviteToken, ...input }: { email: string; name: string; password: string; inviteToken?: string }): Promise<Actor> {
  if (inviteToken && isSetupToken(inviteToken)) return createAdminWithSetupToken({ token: inviteToken, ...input });
  if (!(await isInvitationRequired())) return createUser(input);
  if (!inviteToken) throw new AppError("FORBIDDEN", "Sign-up on this dashboard is by invitation: ask its admin for a link");
  const db = getDb();
  const email = input.email.trim().toLowerCase();
  // Claim the invitation before creating the account, so one link makes one account even if used twice at once.
  const claimed = await db.invitation.updateMany({
    where: { tokenHash: hashSecret(inviteToken), email, acceptedAt: null, expiresAt: { gt: new Date() } },
    data: { acceptedAt: new Date() },
  });
  if (claimed.count === 0) {
    throw new AppError("FORBIDDEN", "This invitation is not valid for this email: it may have expired or been used. Ask the admin for a new link", {
      email: "Use the email address the invitation was sent to",
    });
  }
  try {
    return await createUser(input);
  } catch (error) {
    await db.invitation.updateMany({ where: { tokenHash: hashSecret(inviteToken) }, data: { acceptedAt: null } });
    throw error;
  }
}
