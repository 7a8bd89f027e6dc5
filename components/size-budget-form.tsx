"use client";

import { useActionState } from "react";
import type { FormAction } from "@/lib/actions";
import { Button } from "./ui/button";
import { Field } from "./ui/field";
import { FormMessage } from "./ui/notices";

/** The profile's ISO size budget in MiB (empty: none); a build over it says so on its page and shows what grew. */
export function SizeBudgetForm({ action, budgetBytes }: { action: FormAction; budgetBytes: number | null }) {
  const [state, formAction, pending] = useActionState(action, {});
  const current = budgetBytes === null ? "" : String(Math.round((budgetBytes / 1024 / 1024) * 10) / 10);
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end" noValidate data-testid="size-budget-form">
      <Field
        label="ISO size budget (MiB; empty for none)"
        name="budget"
        inputMode="decimal"
        defaultValue={state.values?.budget ?? current}
        error={state.fieldErrors?.budget}
        autoComplete="off"
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        Save budget
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
