"use client";

import { useEffect, useRef } from "react";
import { getLiveHub, type LiveEvent, type LiveKind } from "./hub";

/** Calls `onEvent` for each live event of a build while the component is mounted, over the page's one connection. */
export function useLiveBuild(buildId: string, kind: LiveKind, onEvent: (event: LiveEvent) => void): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => getLiveHub().subscribe(buildId, kind, (event) => handler.current(event)), [buildId, kind]);
}
