"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError, ShownOnce } from "@/components/ui/notices";
import { API_TOKEN_EXPIRY_DAYS } from "@/lib/api-token-expiry";
import { createTokenAction, type CreateTokenState } from "./actions";

/** Creates a token and shows its secret this once, with how to use it. */
export function CreateTokenForm({ appUrl }: { appUrl: string }) {
  const [state, formAction, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, {});
  return (
    <div className="space-y-4">
      {state.token && (
        <ShownOnce testId="new-token" value={state.token} title={`Token “${state.name}” created. Copy it now: it is not shown again.`}>
          <p className="mt-2 text-emerald-900">
            Use it with the CLI: <code className="font-mono">zxcv login --url {appUrl} --token {state.token.slice(0, 12)}…</code>
          </p>
        </ShownOnce>
      )}
      {state.message && !state.fieldErrors && (
        <FormError message={state.message} />
      )}
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field label="Token name" name="name" placeholder="e.g. laptop CLI" required maxLength={80} error={state.fieldErrors?.name} />
        </div>
        <label className="flex flex-col gap-1 text-sm">
          <span>Expires</span>
          <select name="expiresInDays" defaultValue="90" className="rounded border border-slate-300 px-2 py-1.5">
            <option value="">never</option>
            {API_TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={days}>
                in {days} days
              </option>
            ))}
          </select>
        </label>
        {state.fieldErrors?.expiresInDays && <p className="text-sm text-red-700">{state.fieldErrors.expiresInDays}</p>}
        <Button type="submit" disabled={pending}>
          Create token
        </Button>
      </form>
    </div>
  );
}
