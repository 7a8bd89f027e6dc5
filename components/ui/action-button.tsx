"use client";

import { useActionState } from "react";
import type { FormAction } from "@/lib/actions";
import { Button, type Variant } from "./button";

/** One button that runs a server action for one row (its ids as hidden fields) and says why when it is refused. */
export function ActionButton({
  action,
  fields,
  variant = "secondary",
  label,
  children,
}: {
  action: FormAction;
  fields: Record<string, string>;
  variant?: Variant;
  /** What the button does to which row, for screen readers and tests ("Revoke laptop CLI"). */
  label: string;
  children: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} disabled={pending} aria-label={label}>
        {children}
      </Button>
      {state.message && (
        <span role="alert" className="text-sm text-red-700">
          {state.message}
        </span>
      )}
    </form>
  );
}
