import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isAdmin } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/current-actor";
import { getEnv } from "@/lib/env";
import { listInvitations, listUsers } from "@/lib/users";
import { ActionButton } from "@/components/ui/action-button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Cell, Table } from "@/components/ui/table";
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
      <Table label="Accounts" columns={["Name", "Email", "Role", "Machines", "Builds", ""]} className="mb-8">
        {users.map((user) => (
          <tr key={user.id} className={user.disabledAt ? "text-slate-400" : ""}>
            <Cell className="break-all">{user.name}</Cell>
            <Cell className="break-all">{user.email}</Cell>
            <Cell>{user.role === "ADMIN" ? "Admin" : "Member"}</Cell>
            <Cell>{user._count.machines}</Cell>
            <Cell>{user._count.builds}</Cell>
            <Cell className="text-right">
              {user.id === actor.id ? (
                <span>You</span>
              ) : (
                <ActionButton
                  action={user.disabledAt ? enableUserAction : disableUserAction}
                  fields={{ userId: user.id }}
                  variant={user.disabledAt ? "secondary" : "danger"}
                  label={`${user.disabledAt ? "Enable" : "Disable"} ${user.email}`}
                >
                  {user.disabledAt ? "Enable" : "Disable"}
                </ActionButton>
              )}
            </Cell>
          </tr>
        ))}
      </Table>
      <Card id="invite" title="Invite someone" className="mb-8">
        <InviteForm />
      </Card>
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
                <ActionButton
                  action={revokeInvitationAction}
                  fields={{ invitationId: invitation.id }}
                  variant="ghost"
                  label={`Revoke the invitation for ${invitation.email}`}
                >
                  Revoke
                </ActionButton>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
