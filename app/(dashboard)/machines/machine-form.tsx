"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/notices";
import type { FormAction } from "@/lib/actions";
import { ARCH_OPTIONS } from "@/lib/names";

/** Create or edit a machine: name, architecture, notes. */
export function MachineForm({
  action,
  submitLabel,
  initial,
}: {
  action: FormAction;
  submitLabel: string;
  initial?: { name: string; arch: string; notes: string };
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-[2fr_1fr]" noValidate>
      <Field
        label="Name"
        name="name"
        defaultValue={state.values?.name ?? initial?.name}
        maxLength={80}
        required
        error={state.fieldErrors?.name}
        autoComplete="off"
      />
      <SelectField label="Architecture" name="arch" options={ARCH_OPTIONS} defaultValue={state.values?.arch ?? initial?.arch} error={state.fieldErrors?.arch} />
      <TextAreaField
        label="Notes"
        name="notes"
        rows={2}
        defaultValue={state.values?.notes ?? initial?.notes}
        maxLength={4000}
        error={state.fieldErrors?.notes}
        className="sm:col-span-2"
      />
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
