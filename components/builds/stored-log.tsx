"use client";

import { useLayoutEffect, useRef, useState } from "react";
import { formatBytes } from "@/components/format";

type Tail = { text: string; hiddenBytes: number };

/**
 * A finished build's log on its page (the build page and a shared ISO's page): the last lines the server read
 * (readLogTail), scrolled to the end where a build says how it ended; "Show the whole log" fetches the rest from
 * `logUrl`, which is also the download, and keeps the lines the reader was at in view (the whole log ends with them).
 */
export function StoredLog({ tail, logUrl }: { tail: Tail | null; logUrl: string | null }) {
  const [whole, setWhole] = useState<string | null>(null);
  const [loading, setLoading] = useState<"idle" | "loading" | { error: string }>("idle");
  const logRef = useRef<HTMLPreElement>(null);
  /** How far above the end the reader was when the whole log was asked for: the lines they read stay in view. */
  const fromEnd = useRef(0);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight - log.clientHeight - fromEnd.current;
  }, [whole]);

  async function showWhole(url: string) {
    const log = logRef.current;
    if (log) fromEnd.current = log.scrollHeight - log.clientHeight - log.scrollTop;
    setLoading("loading");
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the server answered HTTP ${response.status}`);
      setWhole(await response.text());
      setLoading("idle");
    } catch (error) {
      setLoading({ error: `The whole log could not be loaded (${(error as Error).message}): try again, or download it.` });
    }
  }

  const hidden = whole === null && tail && tail.hiddenBytes > 0 ? tail.hiddenBytes : 0;
  return (
    <section aria-label="Build log" className="space-y-2">
      <div className="flex items-center justify-between text-sm">
        <h2 className="font-medium">Log</h2>
        {logUrl && (
          <a className="text-indigo-700 underline" href={logUrl} rel="noreferrer">
            Download log
          </a>
        )}
      </div>
      {hidden > 0 && (
        <p className="flex flex-wrap items-center gap-x-3 text-sm text-slate-600" data-testid="log-hidden">
          <span>The last lines are shown; {formatBytes(hidden)} of earlier lines are not.</span>
          {logUrl && (
            <button
              type="button"
              className="text-indigo-700 underline disabled:text-slate-400"
              disabled={loading === "loading"}
              onClick={() => void showWhole(logUrl)}
            >
              {loading === "loading" ? "Loading the whole log…" : "Show the whole log"}
            </button>
          )}
          {typeof loading === "object" && (
            <span role="alert" className="text-red-700">
              {loading.error}
            </span>
          )}
        </p>
      )}
      <pre ref={logRef} data-testid="build-log" className="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-4 text-xs leading-5 text-slate-100">
        {whole ?? (tail ? tail.text : "No log was stored for this build.")}
      </pre>
    </section>
  );
}
