"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

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

  useEffect(() => {
    const source = new EventSource(`/api/builds/${buildId}/events`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("line", (e) => {
      const { text } = JSON.parse((e as MessageEvent).data) as { text: string };
      setLines((prev) => (prev.length > 5000 ? [...prev.slice(-4000), text] : [...prev, text]));
    });
    source.addEventListener("phase", (e) => {
      const next = JSON.parse((e as MessageEvent).data) as Phase;
      setPhase(next);
      // A new phase can mean a new status or host: re-render the server part of the page (this log keeps its lines).
      if (next.phase !== lastPhase.current) {
        lastPhase.current = next.phase;
        router.refresh();
      }
    });
    source.addEventListener("end", () => {
      source.close();
      router.refresh();
    });
    return () => {
      source.close();
    };
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
        <span className="text-slate-500">{isConnected ? "live" : "reconnecting…"}</span>
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
