"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { createBuildAction, type BuildActionState } from "./actions";

export function BuildButton({ revisionId, label = "Build ISO" }: { revisionId: string; label?: string }) {
  const [state, action, pending] = useActionState<BuildActionState | undefined, FormData>(createBuildAction, undefined);
  return (
    <form action={action} className="flex flex-col gap-1">
      <input type="hidden" name="revisionId" value={revisionId} />
      <Button type="submit" disabled={pending}>{pending ? "Queuing…" : label}</Button>
      {state?.message && <p role="alert" className="text-sm text-red-700">{state.message}</p>}
    </form>
  );
}
