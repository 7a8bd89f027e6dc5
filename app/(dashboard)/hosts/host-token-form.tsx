"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { createHostTokenAction, type HostTokenState } from "./actions";

export function HostTokenForm() {
  const [state, action, pending] = useActionState<HostTokenState, FormData>(createHostTokenAction, {});
  return (
    <div className="rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
      <form action={action} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1">
          <span>Host name</span>
          <input name="name" required className="rounded border border-slate-300 px-2 py-1" placeholder="builder-1" />
        </label>
        <label className="flex flex-col gap-1">
          <span>Architecture</span>
          <select name="arch" className="rounded border border-slate-300 px-2 py-1">
            <option value="x86_64">x86_64</option>
            <option value="aarch64">aarch64</option>
          </select>
        </label>
        <Button type="submit" disabled={pending}>Create host token</Button>
      </form>
      {state.message && <p role="alert" className="mt-2 text-red-700">{state.message}</p>}
      {state.token && (
        <div className="mt-3 rounded bg-amber-50 p-3">
          <p>Token for <b>{state.name}</b>, shown once, with its Redis URL (this host&apos;s own Redis user: its queue only). Start the host with:</p>
          <pre data-testid="host-token" className="mt-2 overflow-auto text-xs">ZXCV_HOST_TOKEN={state.token} ZXCV_HOST_NAME={state.name} APP_URL=… REDIS_URL={state.redisUrl} npm run worker</pre>
        </div>
      )}
    </div>
  );
}
