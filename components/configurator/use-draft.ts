"use client";

import { useEffect, useState } from "react";

export type Draft = { baseNumber: number; text: string };

/**
 * Keeps the editor's unsaved text in this browser, so a closed tab, a crash or an expired session
 * loses nothing. A draft found on opening is offered back, never applied silently.
 */
export function useDraft({
  profileId,
  baseNumber,
  text,
  isDirty,
  savedText,
}: {
  profileId: string;
  baseNumber: number;
  text: string;
  isDirty: boolean;
  savedText: string;
}) {
  const key = `zxcv-draft:${profileId}`;
  const [found, setFound] = useState<Draft | null>(null);
  const [isLoaded, setLoaded] = useState(false);

  useEffect(() => {
    try {
      const draft = JSON.parse(localStorage.getItem(key) ?? "null") as Draft | null;
      if (draft && typeof draft.text === "string" && typeof draft.baseNumber === "number" && draft.text !== savedText) setFound(draft);
    } catch {
      // Storage can be disabled or hold something else; the editor works without it.
    }
    setLoaded(true);
    // Only on opening: later changes of the saved text are the editor's own.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    if (!isLoaded || found) return; // an unreviewed draft is never overwritten
    try {
      if (isDirty) localStorage.setItem(key, JSON.stringify({ baseNumber, text }));
      else localStorage.removeItem(key);
    } catch {
      // Full or disabled storage: nothing to keep, nothing lost from the editor.
    }
  }, [key, baseNumber, text, isDirty, found, isLoaded]);

  return { found, dismiss: () => setFound(null) };
}
