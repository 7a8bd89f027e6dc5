"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { ProfileFileInput } from "@/components/profile-file-input";
import { Field, SelectField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/notices";
import type { FormAction } from "@/lib/actions";

export function NewProfileForm({ action, channels }: { action: FormAction; channels: { name: string; label: string }[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end" noValidate>
      <Field label="Profile name" name="name" defaultValue={state.values?.name} maxLength={80} required error={state.fieldErrors?.name} autoComplete="off" />
      <SelectField
        label="Channel"
        name="channel"
        options={channels.map((c) => ({ value: c.name, label: c.label }))}
        defaultValue={state.values?.channel}
        error={state.fieldErrors?.channel}
      />
      <Button type="submit" disabled={pending}>
        New profile
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

/** The file's size is checked here before it is sent, and again on the server before it is read. */
export function ImportProfileForm({ action }: { action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [fileError, setFileError] = useState<string>();
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (fileError) event.preventDefault();
      }}
      className="grid gap-3 sm:grid-cols-[2fr_2fr_auto] sm:items-end"
      noValidate
    >
      <Field
        label="Name for the imported profile"
        name="name"
        defaultValue={state.values?.name}
        maxLength={80}
        required
        error={state.fieldErrors?.name}
        autoComplete="off"
      />
      <ProfileFileInput label="Profile file" onError={setFileError} error={fileError ?? state.fieldErrors?.file} />
      <Button type="submit" variant="secondary" disabled={pending || Boolean(fileError)}>
        Import
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

/** Deleting needs a second, explicit click after reading what goes with it. */
export function DeleteForm({ action, what, consequences }: { action: FormAction; what: string; consequences: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <details className="rounded-lg bg-white p-4 ring-1 ring-red-200">
      <summary className="cursor-pointer font-medium text-red-700">Delete {what}…</summary>
      <form action={formAction} className="mt-3 space-y-3">
        <p className="text-sm text-slate-700">{consequences}</p>
        <Button type="submit" variant="danger" disabled={pending}>
          Delete {what} for good
        </Button>
        <FormMessage state={state} />
      </form>
    </details>
  );
}
