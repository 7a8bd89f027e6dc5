"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { FormError, ShownOnce } from "@/components/ui/notices";
import { API_TOKEN_EXPIRY_DAYS } from "@/lib/api-token-expiry";
import { createTokenAction } from "./actions";

const EXPIRY_OPTIONS = [{ value: "", label: "never" }, ...API_TOKEN_EXPIRY_DAYS.map((days) => ({ value: String(days), label: `in ${days} days` }))];

/** Creates a token and shows its secret this once, with how to use it. */
export function CreateTokenForm({ appUrl }: { appUrl: string }) {
  const [state, formAction, pending] = useActionState(createTokenAction, {});
  return (
    <div className="space-y-4">
      {state.data && (
        <ShownOnce testId="new-token" value={state.data.token} title={`Token “${state.data.name}” created. Copy it now: it is not shown again.`}>
          <p className="mt-2 text-emerald-900">
            Use it with the CLI:{" "}
            <code className="font-mono">
              zxcv login --url {appUrl} --token {state.data.token.slice(0, 12)}…
            </code>
          </p>
        </ShownOnce>
      )}
      {state.message && !state.fieldErrors && <FormError message={state.message} />}
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field
            label="Token name"
            name="name"
            placeholder="e.g. laptop CLI"
            required
            maxLength={80}
            defaultValue={state.values?.name}
            error={state.fieldErrors?.name}
          />
        </div>
        <SelectField
          label="Expires"
          name="expiresInDays"
          options={EXPIRY_OPTIONS}
          defaultValue={state.values?.expiresInDays ?? "90"}
          error={state.fieldErrors?.expiresInDays}
        />
        <Button type="submit" disabled={pending}>
          Create token
        </Button>
      </form>
    </div>
  );
}
