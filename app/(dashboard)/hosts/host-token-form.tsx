"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/notices";
import { ARCH_OPTIONS } from "@/lib/names";
import { createHostTokenAction } from "./actions";

export function HostTokenForm() {
  const [state, action, pending] = useActionState(createHostTokenAction, {});
  return (
    <div className="space-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
      <form action={action} className="flex flex-wrap items-end gap-3">
        <Field label="Host name" name="name" required placeholder="builder-1" defaultValue={state.values?.name} error={state.fieldErrors?.name} />
        <SelectField label="Architecture" name="arch" options={ARCH_OPTIONS} defaultValue={state.values?.arch} />
        <Button type="submit" disabled={pending}>
          Create host token
        </Button>
      </form>
      {state.message && <FormError message={state.message} />}
      {state.data && (
        <div className="rounded bg-amber-50 p-3">
          <p>
            Token for <b>{state.data.name}</b>, shown once, with its Redis URL (this host&apos;s own Redis user: its queue only). Start the host with:
          </p>
          <pre data-testid="host-token" className="mt-2 overflow-auto text-xs">
            ZXCV_HOST_TOKEN={state.data.token} ZXCV_HOST_NAME={state.data.name} APP_URL=… REDIS_URL={state.data.redisUrl} npm run worker
          </pre>
        </div>
      )}
    </div>
  );
}
