import type { Metadata } from "next";
import { signUp } from "../actions";
import { AuthForm } from "../auth-form";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create an account</h1>
      <p className="mb-4 text-sm text-slate-600">The first account on a dashboard is its admin.</p>
      <AuthForm mode="sign-up" action={signUp} />
    </>
  );
}
