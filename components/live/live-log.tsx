"use client";

import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { getLiveHub } from "./hub";

const PHASE_LABEL: Record<string, string> = {
  queued: "Queued",
  preparing: "Preparing",
  evaluating: "Evaluating",
  realising: "Realising derivations",
  "boot-test": "Boot test",
  uploading: "Uploading",
  done: "Done",
};

type Phase = { phase: string; progress: number; detail: string };

/** Phase, progress bar and the log, line by line from the events stream; reconnects resume after the last line. */
export function LiveLog({ buildId, initialPhase }: { buildId: string; initialPhase: Phase }) {
  const router = useRouter();
  const [lines, setLines] = useState<string[]>([]);
  const [phase, setPhase] = useState<Phase>(initialPhase);
  const [isConnected, setConnected] = useState(false);
  const logRef = useRef<HTMLPreElement>(null);
  const lastPhase = useRef(initialPhase.phase);

  // A layout effect: subscribing opens the connection, and a passive effect ran only after the new page's first
  // paint (~100 ms on a slow machine after a Build click), holding the first lines back that long.
  useLayoutEffect(() => {
    // The page's one live connection (hub.ts); it resumes after the last line by itself when it reconnects.
    const hub = getLiveHub();
    const unsubscribe = hub.subscribe(buildId, "log", (event) => {
      setConnected(true);
      if (event.type === "line") setLines((prev) => (prev.length > 5000 ? [...prev.slice(-4000), event.text] : [...prev, event.text]));
      else if (event.type === "phase") {
        setPhase({ phase: event.phase, progress: event.progress, detail: event.detail });
        // A new phase can mean a new status or host: re-render the server part of the page (this log keeps its lines).
        if (event.phase !== lastPhase.current) {
          lastPhase.current = event.phase;
          router.refresh();
        }
      } else if (event.type === "end") router.refresh();
    });
    return unsubscribe;
  }, [buildId, router]);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines.length]);

  const percent = Math.round((phase.progress ?? 0) * 100);
  return (
    <section aria-label="Build progress" className="space-y-3">
      <div className="flex items-center justify-between text-sm">
        <span data-testid="build-phase" className="font-medium">
          {PHASE_LABEL[phase.phase] ?? phase.phase}
          {phase.detail ? <span className="font-normal text-slate-600"> · {phase.detail}</span> : null}
        </span>
        <span className="text-slate-500">{isConnected ? "live" : "connecting…"}</span>
      </div>
      <div
        role="progressbar"
        aria-label="Build progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-indigo-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <pre ref={logRef} data-testid="build-log" className="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-4 text-xs leading-5 text-slate-100">
        {lines.length === 0 ? <span className="text-slate-400">Waiting for the build host…</span> : lines.join("\n")}
      </pre>
    </section>
  );
}
