import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/current-actor";
import { listBuildRows } from "@/lib/builds/queries";
import { isBuildActive } from "@/lib/builds/state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "./format";
import { LiveStatus } from "@/components/live/live-status";
import { EmptyState } from "@/components/ui/notices";
import { Pager } from "@/components/ui/pager";
import { loadPageOrFirst } from "@/lib/load-or-404";
import { cursorParams } from "@/lib/pagination";

export const metadata: Metadata = { title: "Builds" };

export default async function BuildsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor();
  const cursor = cursorParams(await searchParams);
  const { items: builds, newer, older } = await loadPageOrFirst("/builds", cursor, () => listBuildRows({ actor, ...cursor }));
  return (
    <>
      <PageHeader title="Builds" description="Your builds, newest first. Press Build on a profile to start one." />
      {builds.length === 0 ? (
        <EmptyState title="No builds yet" hint="Press Build on a profile to start one." />
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200">
          {builds.map((build) => (
            <li key={build.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
              {/* A plain link: 25 rows of next/link would be 25 client components to render and 25 pages to prefetch. */}
              <a href={`/builds/${build.id}`} className="font-medium text-indigo-700 underline">
                {`${build.machine} / ${build.profile} r${build.revisionNumber}`}
              </a>
              <span className="flex items-center gap-3 text-slate-600">
                {build.isReused && <span>reused</span>}
                {isBuildActive(build.status) ? (
                  <LiveStatus buildId={build.id} status={build.status} phase={build.phase} />
                ) : (
                  <StatusBadge status={build.status} />
                )}
                <time dateTime={build.queuedAt.toISOString()}>{build.queuedAt.toISOString().replace("T", " ").slice(0, 16)}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pager path="/builds" newer={newer} older={older} label={`${builds.length} builds on this page`} />
    </>
  );
}
