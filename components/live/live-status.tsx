"use client";

import { useState } from "react";
import { StatusBadge } from "../builds/status-badge";
import { useLiveBuild } from "./use-live-build";

/** A queued or running build's phase and status in a list, kept current over the page's one live connection. */
export function LiveStatus({ buildId, status, phase }: { buildId: string; status: string; phase: string | null }) {
  const [state, setState] = useState({ status, phase });
  useLiveBuild(buildId, "status", (event) => {
    if (event.type === "status") setState({ status: event.status, phase: event.phase });
    else if (event.type === "phase") setState({ status: event.phase === "queued" ? "QUEUED" : "RUNNING", phase: event.phase });
    else if (event.type === "end") setState({ status: event.status, phase: null });
  });
  return (
    <span className="flex items-center gap-3" aria-live="polite">
      {state.phase && state.status === "RUNNING" && <span data-testid="build-list-phase">{state.phase}</span>}
      <StatusBadge status={state.status} />
    </span>
  );
}
