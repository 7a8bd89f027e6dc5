"use client";

import { useEffect, useState } from "react";
import { optionalPackageSchema, packagesById, type Catalog } from "@/contracts/catalog";
import { closureOf } from "@/contracts/resolver";
import type { Selection } from "@/contracts/selection";
import { z } from "zod";

const closureAnswer = z.object({ packages: z.array(optionalPackageSchema) });

/**
 * The catalog the configurator validates and sizes with: roles and featured packages from the page, plus the
 * entries of every chosen package and what it pulls in, fetched from the server when a package is added (by the
 * picker or the text view). Never the whole archive: the page's weight does not grow with the catalog.
 */
export function useCatalogSlice(initial: Catalog, selection: Selection): { catalog: Catalog; pending: Set<string> } {
  const [catalog, setCatalog] = useState(initial);
  // Names already asked for: one the server does not know stays unknown (validation names it) instead of pending.
  const [asked, setAsked] = useState<Set<string>>(() => new Set());
  // Chosen packages, and dependencies of chosen ones (a featured package comes without its own), not yet here.
  const entries = packagesById(catalog);
  const missing = closureOf(entries, selection.packages).filter((id) => !entries.has(id));
  const pending = new Set(missing.filter((id) => !asked.has(id)));
  const key = [...pending].sort().join(",");
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    fetch(`/api/v1/channels/${encodeURIComponent(catalog.channel)}/packages/closure?ids=${encodeURIComponent(key)}`, { signal: controller.signal })
      .then(async (response) => (response.ok ? closureAnswer.parse(await response.json()).packages : []))
      .then((packages) => {
        setCatalog((current) => {
          const known = new Set(current.packages.map((p) => p.id));
          const added = packages.filter((p) => !known.has(p.id));
          return added.length ? { ...current, packages: [...current.packages, ...added] } : current;
        });
        setAsked((current) => new Set([...current, ...key.split(",")]));
      })
      .catch(() => {
        if (!controller.signal.aborted) setAsked((current) => new Set([...current, ...key.split(",")]));
      });
    return () => controller.abort();
  }, [key, catalog.channel]);
  return { catalog, pending };
}
