"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { inviteUserAction, type InviteState } from "./actions";

export function InviteForm() {
  const [state, formAction, pending] = useActionState<InviteState, FormData>(inviteUserAction, {});
  return (
    <div className="space-y-4">
      {state.url && (
        <div role="status" className="rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200">
          <p className="font-medium text-emerald-900">Send this one-time sign-up link to {state.email}. It works for a week and is not shown again.</p>
          <code data-testid="invite-url" className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono ring-1 ring-emerald-200">
            {state.url}
          </code>
        </div>
      )}
      {state.message && !state.fieldErrors && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {state.message}
        </p>
      )}
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field label="Email" name="email" type="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email} />
        </div>
        <Button type="submit" disabled={pending}>
          Create invitation link
        </Button>
      </form>
    </div>
  );
}
