"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { createTokenAction, type CreateTokenState } from "./actions";

/** Creates a token and shows its secret this once, with how to use it. */
export function CreateTokenForm({ appUrl }: { appUrl: string }) {
  const [state, formAction, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, {});
  return (
    <div className="space-y-4">
      {state.token && (
        <div role="status" className="rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200">
          <p className="font-medium text-emerald-900">Token “{state.name}” created. Copy it now: it is not shown again.</p>
          <code data-testid="new-token" className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono ring-1 ring-emerald-200">
            {state.token}
          </code>
          <p className="mt-2 text-emerald-900">
            Use it with the CLI: <code className="font-mono">zxcv login --url {appUrl} --token {state.token.slice(0, 12)}…</code>
          </p>
        </div>
      )}
      {state.message && !state.fieldErrors && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {state.message}
        </p>
      )}
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field label="Token name" name="name" placeholder="e.g. laptop CLI" required maxLength={80} error={state.fieldErrors?.name} />
        </div>
        <Button type="submit" disabled={pending}>
          Create token
        </Button>
      </form>
    </div>
  );
}
