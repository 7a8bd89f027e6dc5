"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PROFILE_TEXT_MAX_BYTES } from "@/contracts/profile-text";
import type { FormState } from "../form-state";
import { inputClass } from "../machine-form";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function NewProfileForm({ action, channels }: { action: Action; channels: { name: string; label: string }[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end" noValidate>
      <Field label="Profile name" name="name" defaultValue={state.values?.name} maxLength={80} required error={state.fieldErrors?.name} autoComplete="off" />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Channel</span>
        <select name="channel" defaultValue={state.values?.channel} className={inputClass}>
          {channels.map((c) => (
            <option key={c.name} value={c.name}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <Button type="submit" disabled={pending}>
        New profile
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

/** The file's size is checked here before it is sent, and again on the server before it is read. */
export function ImportProfileForm({ action }: { action: Action }) {
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
      <Field label="Name for the imported profile" name="name" defaultValue={state.values?.name} maxLength={80} required error={state.fieldErrors?.name} autoComplete="off" />
      <ProfileFileInput label="Profile file" onError={setFileError} error={fileError ?? state.fieldErrors?.file} />
      <Button type="submit" variant="secondary" disabled={pending || Boolean(fileError)}>
        Import
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

export function ProfileFileInput({ label, onError, error }: { label: string; onError: (message: string | undefined) => void; error?: string }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        type="file"
        name="file"
        accept=".zxcv,.txt,text/plain"
        aria-invalid={error ? true : undefined}
        className={`${inputClass} file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1`}
        onChange={(event) => onError(checkProfileFile(event.currentTarget.files?.[0]))}
      />
      {error && <span className="mt-1 block text-red-700">{error}</span>}
    </label>
  );
}

export function checkProfileFile(file: File | undefined): string | undefined {
  if (!file) return undefined;
  if (file.size > PROFILE_TEXT_MAX_BYTES) {
    const size = file.size >= 1024 * 1024 ? `${(file.size / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(file.size / 1024)} KB`;
    return `That file is ${size}; a profile file is at most ${PROFILE_TEXT_MAX_BYTES / 1024} KB. Is it the right file?`;
  }
  return undefined;
}

/** Deleting needs a second, explicit click after reading what goes with it. */
export function DeleteForm({ action, what, consequences }: { action: Action; what: string; consequences: string }) {
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

export function FormMessage({ state }: { state: FormState }) {
  return (
    <p role="status" className={`text-sm whitespace-pre-line sm:col-span-full ${state.ok ? "text-green-700" : "text-red-700"}`}>
      {state.message}
    </p>
  );
}
