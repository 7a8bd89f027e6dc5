"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { FormAction } from "@/lib/actions";

export function RestoreButton({ action, number }: { action: FormAction; number: number }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction}>
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Restore revision ${number} as a new revision`}>
        Restore
      </Button>
      {state.message && <p className="text-sm text-red-700">{state.message}</p>}
    </form>
  );
}
