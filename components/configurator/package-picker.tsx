"use client";

import { useId, useState } from "react";
import type { Catalog } from "@/contracts/catalog";
import type { Selection } from "@/contracts/selection";
import { formatBytes } from "@/components/format";

/** Optional packages, searchable by name and description; each is one click to add or remove. */
export function PackagePicker({ catalog, selection, onToggle }: { catalog: Catalog; selection: Selection; onToggle: (pkg: string) => void }) {
  const [query, setQuery] = useState("");
  const searchId = useId();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = catalog.packages.filter((pkg) => {
    const haystack = `${pkg.id} ${pkg.label} ${pkg.description} ${pkg.category}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
  const chosen = new Set(selection.packages);
  return (
    <section aria-labelledby={`${searchId}-title`}>
      <h3 id={`${searchId}-title`} className="font-semibold">
        Optional packages <span className="text-sm font-normal text-slate-600">({chosen.size} added)</span>
      </h3>
      <label htmlFor={searchId} className="sr-only">
        Search packages
      </label>
      <input
        id={searchId}
        type="search"
        placeholder="Search packages by name or description"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        className="mt-2 block w-full rounded-md border-0 bg-white px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Packages">
        {matches.map((pkg) => {
          const added = chosen.has(pkg.id);
          return (
            <li key={pkg.id} className="flex items-center gap-3 px-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {pkg.label} <span className="text-xs font-normal text-slate-500">{pkg.category}</span>
                </p>
                <p className="text-sm text-slate-600">{pkg.description}</p>
              </div>
              <span className="hidden shrink-0 text-xs text-slate-600 sm:inline">{formatBytes(pkg.sizeBytes)}</span>
              <button
                type="button"
                aria-pressed={added}
                aria-label={`${added ? "Remove" : "Add"} ${pkg.label}`}
                onClick={() => onToggle(pkg.id)}
                className={`w-20 shrink-0 rounded-md px-2 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                  added ? "bg-indigo-600 text-white hover:bg-indigo-500" : "bg-white ring-1 ring-slate-300 hover:bg-slate-100"
                }`}
              >
                {added ? "Remove" : "Add"}
              </button>
            </li>
          );
        })}
        {matches.length === 0 && <li className="px-3 py-4 text-sm text-slate-600">No package matches “{query}”.</li>}
      </ul>
    </section>
  );
}
