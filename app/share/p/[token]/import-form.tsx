"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/app/(dashboard)/machines/form-state";
import { inputClass } from "@/app/(dashboard)/machines/machine-form";
import { FormMessage } from "@/app/(dashboard)/machines/[machineId]/profile-forms";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ImportSharedForm({ action, machines, defaultName }: { action: Action; machines: { id: string; name: string }[]; defaultName: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Machine</span>
        <select name="machineId" defaultValue={state.values?.machineId} className={inputClass}>
          {machines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        {state.fieldErrors?.machineId && <span className="mt-1 block text-red-700">{state.fieldErrors.machineId}</span>}
      </label>
      <Field label="Name of the copy" name="name" defaultValue={state.values?.name ?? defaultName} maxLength={80} error={state.fieldErrors?.name} autoComplete="off" />
      <Button type="submit" disabled={pending}>
        Import into my machines
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
