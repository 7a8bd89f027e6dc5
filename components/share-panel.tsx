"use client";

import { useActionState, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import type { FormAction } from "@/lib/actions";

/**
 * The owner's share controls: the link (with Copy) while shared, a Share button while not, and Stop sharing.
 * `path` comes from the server; the link is completed with the address the browser used to reach the app.
 */
export function SharePanel({ what, path, share, unshare }: { what: string; path: string | null; share: FormAction; unshare: FormAction }) {
  const [shareState, shareAction, sharing] = useActionState(share, {});
  const [unshareState, unshareAction, unsharing] = useActionState(unshare, {});
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const link = path ? `${origin}${path}` : "";
  const message = shareState.message ?? unshareState.message;
  return (
    <section aria-label="Sharing" className="space-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
      <h2 className="font-medium">Share</h2>
      {path ? (
        <>
          <p className="text-slate-600">Anyone with this link can see {what}, without signing in. Stop sharing and the link stops working at once.</p>
          <div className="flex flex-wrap gap-2">
            <input
              readOnly
              aria-label="Share link"
              data-testid="share-link"
              value={link}
              onFocus={(event) => event.currentTarget.select()}
              className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
            />
            <Button
              type="button"
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard.writeText(link);
                setCopied(true);
                setTimeout(() => setCopied(false), 2000);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
            <form action={unshareAction}>
              <Button type="submit" variant="danger" disabled={unsharing}>
                Stop sharing
              </Button>
            </form>
          </div>
        </>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-slate-600">Only you can see {what}. Make a link to show it to anyone.</p>
          <form action={shareAction}>
            <Button type="submit" variant="secondary" disabled={sharing}>
              Share by link
            </Button>
          </form>
        </div>
      )}
      {message && (
        <p role="alert" className="text-red-700">
          {message}
        </p>
      )}
    </section>
  );
}
