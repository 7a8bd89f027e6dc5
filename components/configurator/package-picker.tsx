"use client";

import { useEffect, useId, useState } from "react";
import { z } from "zod";
import type { Catalog } from "@/contracts/catalog";
import { sizeSourceText, type Selection } from "@/contracts/selection";
import { formatBytes } from "@/components/format";

const hitSchema = z.object({
  id: z.string(),
  version: z.string(),
  section: z.string(),
  description: z.string(),
  sizeBytes: z.number(),
  sizeMeasured: z.boolean(),
  adds: z.object({ packages: z.number(), bytes: z.number(), measured: z.number() }),
});
const searchAnswer = z.object({ packages: z.array(hitSchema) });
type Row = {
  id: string;
  label: string;
  category: string;
  description: string;
  adds?: { packages: number; bytes: number; measured: number };
  sizeBytes: number;
  sizeMeasured?: boolean;
};

/**
 * Optional packages: the chosen and featured ones, or a ranked search over the whole catalog on the server (name and
 * description); each row says what adding it pulls in ("adds 4 packages, 9.1 MB, measured": sizes a build measured,
 * else the archive's Installed-Size) and is one click to add or remove.
 */
export function PackagePicker({ catalog, selection, onToggle }: { catalog: Catalog; selection: Selection; onToggle: (pkg: string) => void }) {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<{ query: string; rows: Row[] } | undefined>();
  const [failed, setFailed] = useState(false);
  const searchId = useId();
  const chosen = new Set(selection.packages);
  const selectedKey = [...selection.packages].sort().join(",");
  const trimmed = query.trim();

  useEffect(() => {
    if (!trimmed) return;
    const controller = new AbortController();
    // A short pause so typing a word sends one request, not one per key.
    const timer = setTimeout(() => {
      const url = `/api/v1/channels/${encodeURIComponent(catalog.channel)}/packages?q=${encodeURIComponent(trimmed)}&selected=${encodeURIComponent(selectedKey)}`;
      fetch(url, { signal: controller.signal })
        .then(async (response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const rows = searchAnswer.parse(await response.json()).packages.map((h) => ({ ...h, label: h.id, category: h.section }));
          setHits({ query: trimmed, rows });
          setFailed(false);
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setFailed(error instanceof Error);
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed, selectedKey, catalog.channel]);

  const local: Row[] = catalog.packages.filter((p) => chosen.has(p.id) || p.featured);
  const rows = trimmed ? (hits?.query === trimmed ? hits.rows : []) : local;
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
      <ul
        className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200"
        aria-label="Packages"
        aria-busy={Boolean(trimmed) && hits?.query !== trimmed}
      >
        {rows.map((pkg) => {
          const added = chosen.has(pkg.id);
          return (
            <li key={pkg.id} className="flex items-center gap-3 px-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {pkg.label} <span className="text-xs font-normal text-slate-500">{pkg.category}</span>
                </p>
                <p className="text-sm text-slate-600">{pkg.description}</p>
              </div>
              <span className="hidden shrink-0 text-xs text-slate-600 sm:inline">
                {pkg.adds && !added
                  ? `adds ${pkg.adds.packages} ${pkg.adds.packages === 1 ? "package" : "packages"}, ${formatBytes(pkg.adds.bytes)}, ${sizeSourceText(pkg.adds.measured, pkg.adds.packages)}`
                  : `${formatBytes(pkg.sizeBytes)}, ${sizeSourceText(pkg.sizeMeasured ? 1 : 0, 1)}`}
              </span>
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
        {trimmed && hits?.query === trimmed && rows.length === 0 && <li className="px-3 py-4 text-sm text-slate-600">No package matches “{query}”.</li>}
        {trimmed && hits?.query !== trimmed && !failed && <li className="px-3 py-4 text-sm text-slate-600">Searching…</li>}
        {failed && <li className="px-3 py-4 text-sm text-red-700">The search did not answer: try again.</li>}
      </ul>
    </section>
  );
}
