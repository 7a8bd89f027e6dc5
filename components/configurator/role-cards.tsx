"use client";

import type { Catalog } from "@/contracts/catalog";
import type { Selection } from "@/contracts/selection";
import { formatBytes } from "@/components/format";

/** One radio group per role: swapping an alternative is one click (or arrow keys). */
export function RoleCards({ catalog, selection, onChoose }: { catalog: Catalog; selection: Selection; onChoose: (role: string, alternative: string) => void }) {
  return (
    <div className="space-y-5">
      {catalog.roles.map((role) => (
        <fieldset key={role.id} className="min-w-0">
          <legend className="font-semibold">
            {role.label} <span className="font-normal text-sm text-slate-600">— {role.description}</span>
          </legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
            {role.alternatives.map((alt) => {
              const checked = selection.roles[role.id] === alt.id;
              return (
                <label
                  key={alt.id}
                  className={`relative flex cursor-pointer flex-col rounded-lg bg-white p-3 ring-1 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${
                    checked ? "ring-2 ring-indigo-600 bg-indigo-50" : "ring-slate-200 hover:ring-slate-400"
                  }`}
                >
                  <input
                    type="radio"
                    className="sr-only"
                    name={`role-${role.id}`}
                    value={alt.id}
                    checked={checked}
                    onChange={() => onChoose(role.id, alt.id)}
                    aria-label={`${role.label}: ${alt.label}`}
                    aria-describedby={`alt-${role.id}-${alt.id}`}
                  />
                  <span className="flex items-baseline justify-between gap-2">
                    <span className="font-medium">{alt.label}</span>
                    <span className="shrink-0 text-xs text-slate-600">{formatBytes(alt.sizeBytes)}</span>
                  </span>
                  <span id={`alt-${role.id}-${alt.id}`} className="mt-1 text-sm text-slate-600">
                    {alt.description}
                    <span className="sr-only"> ({formatBytes(alt.sizeBytes)})</span>
                  </span>
                  {checked && (
                    <span aria-hidden className="absolute -top-2 right-2 rounded bg-indigo-600 px-1.5 text-xs text-white">
                      chosen
                    </span>
                  )}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
    </div>
  );
}
