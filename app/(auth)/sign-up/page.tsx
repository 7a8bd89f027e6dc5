import type { Metadata } from "next";
import { signUp } from "../actions";
import { AuthForm } from "../auth-form";
import { isInvitationRequired } from "@/lib/users";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  const { invite } = await searchParams;
  const token = typeof invite === "string" ? invite : undefined;
  const byInvitation = await isInvitationRequired();
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create an account</h1>
      <p className="mb-4 text-sm text-slate-600">
        {byInvitation
          ? token
            ? "Use the email address your invitation was sent to."
            : "Sign-up on this dashboard is by invitation: open the link the admin sent you (the admin account itself: the setup link the start command printed)."
          : token
            ? "This link creates an account: use the email address it was made for."
            : "Anyone may create an account here. The admin account comes from the setup link the start command printed."}
      </p>
      <AuthForm mode="sign-up" action={signUp} invite={token} />
    </>
  );
}
