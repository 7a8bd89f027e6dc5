"use client";

import type { Catalog } from "@/contracts/catalog";
import { estimateSize, type Selection, type SelectionFix, type SelectionProblem } from "@/contracts/selection";
import { diffSelections, type SelectionChange } from "@/contracts/selection-diff";
import { formatBytes } from "@/components/format";

const COLORS = [
  "bg-indigo-600",
  "bg-sky-500",
  "bg-emerald-500",
  "bg-amber-500",
  "bg-rose-500",
  "bg-violet-500",
  "bg-teal-500",
  "bg-orange-400",
  "bg-slate-400",
];

/** The estimated ISO size as one bar split by what takes the space, biggest first. */
export function SizeBar({ catalog, selection }: { catalog: Catalog; selection: Selection }) {
  const parts = estimateSize(catalog, selection).filter((p) => p.bytes > 0);
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const shown = parts.slice(0, COLORS.length - 1);
  const rest = parts.slice(COLORS.length - 1).reduce((sum, p) => sum + p.bytes, 0);
  const segments = rest > 0 ? [...shown, { label: "Everything else", bytes: rest }] : shown;
  return (
    <section aria-labelledby="size-title">
      <h3 id="size-title" className="flex items-baseline justify-between font-semibold">
        Estimated ISO size <span data-testid="iso-size">{formatBytes(total)}</span>
      </h3>
      <div className="mt-2 flex h-4 overflow-hidden rounded bg-slate-200" role="img" aria-label={`Estimated size ${formatBytes(total)}`}>
        {segments.map((part, i) => (
          <div key={part.label} className={COLORS[i]} style={{ width: `${(part.bytes / total) * 100}%` }} title={`${part.label}: ${formatBytes(part.bytes)}`} />
        ))}
      </div>
      <ul className="mt-2 space-y-0.5 text-xs text-slate-700">
        {segments.map((part, i) => (
          <li key={part.label} className="flex items-center gap-2">
            <span aria-hidden className={`inline-block size-2.5 shrink-0 rounded-sm ${COLORS[i]}`} />
            <span className="min-w-0 flex-1 truncate">
              {part.label}
              {"source" in part && part.source ? <span className="text-slate-500"> · {part.source}</span> : null}
            </span>
            <span className="tabular-nums">{formatBytes(part.bytes)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ChangeList({ changes, empty, label }: { changes: SelectionChange[]; empty: string; label: string }) {
  if (changes.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  const sign = { swapped: "~", changed: "~", added: "+", removed: "−" } as const;
  const color = { swapped: "text-amber-800", changed: "text-amber-800", added: "text-green-800", removed: "text-red-800" } as const;
  return (
    <ul className="space-y-0.5 text-sm" aria-label={label}>
      {changes.map((change, i) => (
        <li key={i} className={color[change.kind]}>
          <span aria-hidden className="inline-block w-4 font-mono">
            {sign[change.kind]}
          </span>
          <span className="sr-only">{change.kind}: </span>
          {change.text}
        </li>
      ))}
    </ul>
  );
}

export function ChangesSince({
  catalog,
  selection,
  base,
  lastBuilt,
}: {
  catalog: Catalog;
  selection: Selection;
  base: { number: number; selection: Selection };
  lastBuilt: { number: number; selection: Selection } | null;
}) {
  return (
    <section className="space-y-3">
      <div>
        <h3 className="font-semibold">Unsaved changes</h3>
        <ChangeList changes={diffSelections(base.selection, selection, catalog)} empty={`None: this is revision ${base.number}.`} label="Unsaved changes" />
      </div>
      <div>
        <h3 className="font-semibold">Since the last build</h3>
        {lastBuilt ? (
          <ChangeList
            changes={diffSelections(lastBuilt.selection, selection, catalog)}
            empty={`Same as revision ${lastBuilt.number}, the last one built.`}
            label="Changes since the last build"
          />
        ) : (
          <p className="text-sm text-slate-600">Never built yet.</p>
        )}
      </div>
    </section>
  );
}

/** Conflicts and missing requirements, each explained, each with its one-click fixes. */
export function Problems({ problems, onFix }: { problems: SelectionProblem[]; onFix: (fix: SelectionFix) => void }) {
  if (problems.length === 0) return null;
  return (
    <section aria-labelledby="problems-title" className="rounded-lg bg-red-50 p-3 ring-1 ring-red-200">
      <h3 id="problems-title" className="font-semibold text-red-800">
        {problems.length === 1 ? "1 problem" : `${problems.length} problems`} to fix before building
      </h3>
      <ul className="mt-2 space-y-3">
        {problems.map((problem, i) => (
          <li key={i} className="text-sm" data-testid="problem">
            <p className="text-red-900">{problem.message}</p>
            <div className="mt-1 flex flex-wrap gap-2">
              {problem.fixes.map((fix) => (
                <button
                  key={fix.label}
                  type="button"
                  onClick={() => onFix(fix)}
                  className="rounded-md bg-white px-2 py-1 text-sm font-medium text-red-800 ring-1 ring-red-300 hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  {fix.label}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
