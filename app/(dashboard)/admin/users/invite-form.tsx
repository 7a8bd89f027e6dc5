"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError, ShownOnce } from "@/components/ui/notices";
import { inviteUserAction } from "./actions";

export function InviteForm() {
  const [state, formAction, pending] = useActionState(inviteUserAction, {});
  return (
    <div className="space-y-4">
      {state.data && (
        <ShownOnce
          testId="invite-url"
          value={state.data.url}
          title={`Send this one-time sign-up link to ${state.data.email}. It works for a week and is not shown again.`}
        />
      )}
      {state.message && !state.fieldErrors && <FormError message={state.message} />}
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
