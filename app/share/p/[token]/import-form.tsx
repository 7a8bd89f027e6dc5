"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/notices";
import type { FormState } from "@/lib/actions";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ImportSharedForm({ action, machines, defaultName }: { action: Action; machines: { id: string; name: string }[]; defaultName: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
      <SelectField
        label="Machine"
        name="machineId"
        options={machines.map((m) => ({ value: m.id, label: m.name }))}
        defaultValue={state.values?.machineId}
        error={state.fieldErrors?.machineId}
      />
      <Field label="Name of the copy" name="name" defaultValue={state.values?.name ?? defaultName} maxLength={80} error={state.fieldErrors?.name} autoComplete="off" />
      <Button type="submit" disabled={pending}>
        Import into my machines
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
