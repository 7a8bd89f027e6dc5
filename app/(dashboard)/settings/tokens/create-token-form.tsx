"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError, ShownOnce } from "@/components/ui/notices";
import { createTokenAction } from "./actions";

/** Creates a token and shows its secret this once, with how to use it. */
export function CreateTokenForm({ appUrl }: { appUrl: string }) {
  const [state, formAction, pending] = useActionState(createTokenAction, {});
  return (
    <div className="space-y-4">
      {state.data && (
        <ShownOnce testId="new-token" value={state.data.token} title={`Token “${state.data.name}” created. Copy it now: it is not shown again.`}>
          <p className="mt-2 text-emerald-900">
            Use it with the CLI: <code className="font-mono">zxcv login --url {appUrl} --token {state.data.token.slice(0, 12)}…</code>
          </p>
        </ShownOnce>
      )}
      {state.message && !state.fieldErrors && (
        <FormError message={state.message} />
      )}
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field label="Token name" name="name" placeholder="e.g. laptop CLI" required maxLength={80} defaultValue={state.values?.name} error={state.fieldErrors?.name} />
        </div>
        <Button type="submit" disabled={pending}>
          Create token
        </Button>
      </form>
    </div>
  );
}
