import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isAdmin } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/current-actor";
import { getEnv } from "@/lib/env";
import { listInvitations, listUsers } from "@/lib/users";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { disableUserAction, enableUserAction, revokeInvitationAction } from "./actions";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requireActor();
  // Members do not learn that an admin page exists.
  if (!isAdmin(actor)) notFound();
  const [users, invitations] = await Promise.all([listUsers({ actor }), listInvitations({ actor })]);
  const openSignUp = getEnv().ZXCV_OPEN_SIGNUP;
  return (
    <>
      <PageHeader
        title="Users"
        description={
          openSignUp
            ? "Sign-up is open (ZXCV_OPEN_SIGNUP=true): anyone who can reach this dashboard may create an account."
            : "Sign-up is by invitation (ZXCV_OPEN_SIGNUP=false): create a one-time link for each new person."
        }
      />
      <table className="mb-8 w-full rounded-lg bg-white text-left text-sm ring-1 ring-slate-200" aria-label="Accounts">
        <thead className="text-slate-600">
          <tr>
            <th className="px-4 py-2 font-medium">Name</th>
            <th className="px-4 py-2 font-medium">Email</th>
            <th className="px-4 py-2 font-medium">Role</th>
            <th className="px-4 py-2 font-medium">Machines</th>
            <th className="px-4 py-2 font-medium">Builds</th>
            <th className="px-4 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {users.map((user) => (
            <tr key={user.id} className={user.disabledAt ? "text-slate-400" : ""}>
              <td className="px-4 py-2 break-all">{user.name}</td>
              <td className="px-4 py-2 break-all">{user.email}</td>
              <td className="px-4 py-2">{user.role === "ADMIN" ? "Admin" : "Member"}</td>
              <td className="px-4 py-2">{user._count.machines}</td>
              <td className="px-4 py-2">{user._count.builds}</td>
              <td className="px-4 py-2 text-right">
                {user.id === actor.id ? (
                  <span>You</span>
                ) : (
                  <form action={user.disabledAt ? enableUserAction : disableUserAction}>
                    <input type="hidden" name="userId" value={user.id} />
                    <Button type="submit" variant={user.disabledAt ? "secondary" : "danger"} aria-label={`${user.disabledAt ? "Enable" : "Disable"} ${user.email}`}>
                      {user.disabledAt ? "Enable" : "Disable"}
                    </Button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="mb-8 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="invite">
        <h2 id="invite" className="mb-3 font-semibold">
          Invite someone
        </h2>
        <InviteForm />
      </section>
      {invitations.length > 0 && (
        <section aria-labelledby="pending">
          <h2 id="pending" className="mb-3 font-semibold">
            Pending invitations
          </h2>
          <ul className="divide-y divide-slate-200 rounded-lg bg-white text-sm ring-1 ring-slate-200">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                <span className="break-all">
                  {invitation.email}{" "}
                  <span className="text-slate-500">
                    {invitation.expiresAt < new Date() ? "expired" : `expires ${invitation.expiresAt.toISOString().slice(0, 10)}`}
                  </span>
                </span>
                <form action={revokeInvitationAction}>
                  <input type="hidden" name="invitationId" value={invitation.id} />
                  <Button type="submit" variant="ghost" aria-label={`Revoke the invitation for ${invitation.email}`}>
                    Revoke
                  </Button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
