import type { BuildDetail } from "@/lib/builds/queries";

const OUTCOME: Record<string, string> = {
  CLAIMED: "claimed",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
  LOST: "lost (host gone)",
};

function when(date: Date | null): string {
  return date ? date.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—";
}

/** Every attempt of a build (host, times, outcome, reason) and the claims or results the app refused, oldest first. */
export function AttemptHistory({ attempts, refusals }: Pick<BuildDetail, "attempts" | "refusals">) {
  if (attempts.length === 0 && refusals.length === 0) return null;
  return (
    <section aria-label="Attempts" className="mb-6 text-sm">
      <h2 className="mb-2 font-medium">Attempts</h2>
      <ol className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200">
        {attempts.map((a) => (
          <li key={a.id} data-testid="attempt" className="px-4 py-2">
            <p>
              <span className="font-medium">#{a.number}</span> on {a.host?.name ?? "a removed host"}: {OUTCOME[a.status] ?? a.status}
              <span className="text-slate-600">
                {" "}
                · claimed {when(a.claimedAt)} · finished {when(a.finishedAt)}
              </span>
            </p>
            {a.failureReason && <p className="text-slate-700">{a.failureReason}</p>}
            {refusals
              .filter((r) => r.attempt === a.number)
              .map((r) => (
                <p key={r.id} data-testid="refusal" className="text-red-700">
                  {r.hostName}: {r.reason}
                </p>
              ))}
          </li>
        ))}
        {refusals
          .filter((r) => !attempts.some((a) => a.number === r.attempt))
          .map((r) => (
            <li key={r.id} data-testid="refusal" className="px-4 py-2 text-red-700">
              Attempt #{r.attempt}, {r.hostName}: {r.reason}
            </li>
          ))}
      </ol>
    </section>
  );
}
