"use client";

import { Button } from "@/components/ui/button";
import { formatBytes } from "@/components/format";
import type { Draft } from "./use-draft";

export type View = "cards" | "text";

export function ViewTabs({ tab, onChange }: { tab: View; onChange: (tab: View) => void }) {
  return (
    <div role="tablist" aria-label="View" className="mb-4 inline-flex rounded-lg bg-slate-200 p-1 text-sm">
      {(["cards", "text"] as const).map((name) => (
        <button
          key={name}
          role="tab"
          type="button"
          aria-selected={tab === name}
          tabIndex={tab === name ? 0 : -1}
          aria-controls={`panel-${name}`}
          id={`tab-${name}`}
          onClick={() => onChange(name)}
          onKeyDown={(event) => {
            if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
            const next = tab === "cards" ? "text" : "cards";
            onChange(next);
            document.getElementById(`tab-${next}`)?.focus();
          }}
          className={`rounded-md px-4 py-1.5 font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${tab === name ? "bg-white shadow-sm" : "text-slate-700"}`}
        >
          {name === "cards" ? "Cards" : "Text"}
        </button>
      ))}
    </div>
  );
}

export function DraftBanner({
  draft,
  currentNumber,
  onRestore,
  onDiscard,
}: {
  draft: Draft;
  currentNumber: number;
  onRestore: () => void;
  onDiscard: () => void;
}) {
  return (
    <div role="alert" className="mb-4 rounded-lg bg-amber-50 p-3 text-sm ring-1 ring-amber-300">
      <p>
        This browser kept unsaved edits from an earlier visit (based on revision {draft.baseNumber}
        {draft.baseNumber !== currentNumber ? `; the profile is now at revision ${currentNumber}, so review them before saving` : ""}).
      </p>
      <div className="mt-2 flex gap-2">
        <Button type="button" onClick={onRestore}>
          Restore my edits
        </Button>
        <Button type="button" variant="secondary" onClick={onDiscard}>
          Discard them
        </Button>
      </div>
    </div>
  );
}

export function PhoneBar({
  totalBytes,
  state,
  hasProblems,
  canSave,
  onSave,
}: {
  totalBytes: number;
  state: string;
  hasProblems: boolean;
  canSave: boolean;
  onSave: () => void;
}) {
  return (
    <div className="sticky bottom-0 z-10 -mx-4 mt-6 flex items-center gap-3 border-t border-slate-200 bg-white/95 px-4 py-2 text-sm lg:hidden">
      <span className="font-semibold tabular-nums">{formatBytes(totalBytes)}</span>
      <a href="#summary" className={hasProblems ? "text-red-700 underline" : "text-slate-600 underline"}>
        {state}
      </a>
      <Button type="button" className="ml-auto" onClick={onSave} disabled={!canSave} aria-label="Save (phone bar)">
        Save
      </Button>
    </div>
  );
}
