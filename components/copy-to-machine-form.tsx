"use client";

import { useActionState } from "react";
import { Button, type Variant } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/notices";
import type { FormAction } from "@/lib/actions";

/** "Copy this profile to one of my machines, under this name": the Clone form and the shared-profile import. */
export function CopyToMachineForm({
  action,
  machines,
  defaultName,
  machineField,
  machineLabel,
  submitLabel,
  variant = "primary",
}: {
  action: FormAction;
  machines: { id: string; name: string }[];
  defaultName: string;
  /** The form field the action reads the machine from. */
  machineField: string;
  machineLabel: string;
  submitLabel: string;
  variant?: Variant;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
      <SelectField
        label={machineLabel}
        name={machineField}
        options={machines.map((m) => ({ value: m.id, label: m.name }))}
        defaultValue={state.values?.[machineField]}
        error={state.fieldErrors?.[machineField]}
      />
      <Field
        label="Name of the copy"
        name="name"
        defaultValue={state.values?.name ?? defaultName}
        maxLength={80}
        error={state.fieldErrors?.name}
        autoComplete="off"
      />
      <Button type="submit" variant={variant} disabled={pending}>
        {submitLabel}
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
