import type { Metadata } from "next";
import Link from "next/link";
import { ChangeList } from "@/components/configurator/summary";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { diffSelections } from "@/contracts/selection-diff";
import { requireActor } from "@/lib/auth/current-actor";
import { getChannelOrThrow } from "@/lib/catalog";
import { getProfileOrThrow } from "@/lib/profiles";
import { listRevisions } from "@/lib/profiles/revisions";
import { loadOr404 } from "@/lib/load-or-404";
import { SelectField } from "@/components/ui/field";
import { restoreRevisionAction } from "../actions";
import { RestoreButton } from "./restore-button";

export const metadata: Metadata = { title: "Profile history" };

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function HistoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ profileId: string }>;
  searchParams: Promise<{ a?: string; b?: string }>;
}) {
  const { profileId } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const [profile, revisions] = await loadOr404(() => Promise.all([getProfileOrThrow({ actor, profileId }), listRevisions({ actor, profileId })]));
  const { catalog } = await getChannelOrThrow(profile.channel);
  const url = `/machines/${profile.machineId}/profiles/${profile.id}`;
  const latest = profile.latest.number;
  const pick = (value: string | undefined, fallback: number) =>
    revisions.find((r) => r.number === Number(value)) ?? revisions.find((r) => r.number === fallback)!;
  const b = pick(query.b, latest);
  const a = pick(query.a, Math.max(1, b.number - 1));
  const changes = diffSelections(a.selection, b.selection, catalog);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 flex flex-wrap gap-1 text-sm text-slate-600">
        <Link href={`/machines/${profile.machineId}`} className="break-all hover:underline">
          {profile.machine.name}
        </Link>
        <span aria-hidden>/</span>
        <Link href={url} className="break-all hover:underline">
          {profile.name}
        </Link>
      </nav>
      <PageHeader title={`History of ${profile.name}`} description="Every save is a revision; none is ever changed. Restoring makes a new one." />
      <section aria-labelledby="diff-title" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="diff-title" className="font-semibold">
          Compare revisions
        </h2>
        <form method="get" className="mt-3 flex flex-wrap items-end gap-3">
          {(["a", "b"] as const).map((key) => (
            <SelectField
              key={key}
              label={key === "a" ? "From" : "To"}
              name={key}
              defaultValue={String((key === "a" ? a : b).number)}
              options={revisions.map((r) => ({ value: String(r.number), label: `Revision ${r.number}` }))}
            />
          ))}
          <button type="submit" className={buttonClass("secondary")}>
            Compare
          </button>
        </form>
        <div className="mt-4" data-testid="revision-diff">
          <p className="mb-1 text-sm text-slate-600">
            From revision {a.number} to revision {b.number}:
          </p>
          <ChangeList changes={changes} empty="No difference: the two revisions select the same things." label="Differences" />
        </div>
      </section>
      <section aria-labelledby="revisions-title" className="mt-8">
        <h2 id="revisions-title" className="mb-3 font-semibold">
          Revisions
        </h2>
        <ol className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200">
          {revisions.map((revision) => (
            <li key={revision.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  Revision {revision.number}
                  {revision.number === latest && <span className="ml-2 rounded bg-indigo-50 px-1.5 text-xs text-indigo-700">current</span>}
                </p>
                <p className="text-sm break-words text-slate-600">
                  {dateFormat.format(revision.createdAt)} UTC{revision.message ? ` · ${revision.message}` : ""}
                </p>
                <p className="truncate font-mono text-xs text-slate-500">{revision.configHash}</p>
              </div>
              <a href={`${url}/export?revision=${revision.number}`} download className={buttonClass("ghost")}>
                Export
              </a>
              {revision.number !== latest && (
                <RestoreButton action={restoreRevisionAction.bind(null, profile.id, revision.number, latest)} number={revision.number} />
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
