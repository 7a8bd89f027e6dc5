"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/notices";
import type { FormAction } from "@/lib/actions";

type Props = {
  mode: "sign-in" | "sign-up";
  action: FormAction;
  /** The one-time token of an invitation link, sent along with a sign-up. */
  invite?: string;
};

export function AuthForm({ mode, action, invite }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const isSignUp = mode === "sign-up";
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {invite && <input type="hidden" name="invite" value={invite} />}
      {state.message && <FormError message={state.message} />}
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      {isSignUp && <Field label="Name" name="name" autoComplete="name" required defaultValue={state.values?.name} error={state.fieldErrors?.name} />}
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={isSignUp ? "new-password" : "current-password"}
        required
        error={state.fieldErrors?.password}
      />
      <Button type="submit" disabled={pending} className="w-full">
        {isSignUp ? "Create account" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-slate-600">
        {isSignUp ? (
          <>
            Have an account?{" "}
            <Link className="text-indigo-700 underline" href="/sign-in">
              Sign in
            </Link>
          </>
        ) : (
          <>
            New here?{" "}
            <Link className="text-indigo-700 underline" href="/sign-up">
              Create an account
            </Link>
          </>
        )}
      </p>
    </form>
  );
}
