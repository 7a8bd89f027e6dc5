"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export const inputClass =
  "mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500";

/** Create or edit a machine: name, architecture, notes. */
export function MachineForm({
  action,
  submitLabel,
  initial,
}: {
  action: Action;
  submitLabel: string;
  initial?: { name: string; arch: string; notes: string };
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-[2fr_1fr]" noValidate>
      <Field label="Name" name="name" defaultValue={state.values?.name ?? initial?.name} maxLength={80} required error={state.fieldErrors?.name} autoComplete="off" />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Architecture</span>
        <select name="arch" defaultValue={state.values?.arch ?? initial?.arch ?? "x86_64"} className={inputClass} aria-invalid={state.fieldErrors?.arch ? true : undefined}>
          <option value="x86_64">x86_64</option>
          <option value="aarch64">aarch64</option>
        </select>
        {state.fieldErrors?.arch && <span className="mt-1 block text-red-700">{state.fieldErrors.arch}</span>}
      </label>
      <label className="block text-sm sm:col-span-2">
        <span className="font-medium text-slate-700">Notes</span>
        <textarea name="notes" rows={2} defaultValue={state.values?.notes ?? initial?.notes} maxLength={4000} className={inputClass} />
        {state.fieldErrors?.notes && <span className="mt-1 block text-red-700">{state.fieldErrors.notes}</span>}
      </label>
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        <p role="status" className={`text-sm ${state.ok ? "text-green-700" : "text-red-700"}`}>
          {state.message}
        </p>
      </div>
    </form>
  );
}
