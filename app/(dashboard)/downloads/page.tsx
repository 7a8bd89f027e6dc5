import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/current-actor";
import { listDownloads } from "@/lib/artifacts/downloads";
import { loadPageOrFirst } from "@/lib/load-or-404";
import { cursorParams } from "@/lib/pagination";
import { Pager } from "@/components/ui/pager";
import { PageHeader } from "@/components/ui/page-header";
import { formatBytes } from "@/components/format";
import { EmptyState } from "@/components/ui/notices";

export const metadata: Metadata = { title: "Downloads" };

export default async function DownloadsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor();
  const cursor = cursorParams(await searchParams);
  const { items, newer, older } = await loadPageOrFirst("/downloads", cursor, () => listDownloads({ actor, ...cursor }));
  return (
    <>
      <PageHeader
        title="Downloads"
        description="Every ISO you built. Downloads resume; check them with sha256sum -c SHA256SUMS."
        actions={
          <a className="text-sm text-indigo-700 underline" href="/downloads/SHA256SUMS">
            SHA256SUMS
          </a>
        }
      />
      {items.length === 0 ? (
        <EmptyState title="No ISOs yet" hint="Build a profile first: its ISO appears here." />
      ) : (
        <ul className="space-y-4">
          {items.map((item) => (
            <li key={item.buildId} data-testid="download-item" className="rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <a className="font-medium text-indigo-700 underline" href={`/api/artifacts/${item.iso.id}`} data-testid="iso-download">
                  {item.iso.fileName}
                </a>
                <span className="text-slate-600">
                  {item.machine} / {item.profile} r{item.revisionNumber}
                </span>
              </div>
              <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-slate-700 sm:grid-cols-4">
                <div>
                  <dt className="inline text-slate-500">Size </dt>
                  <dd className="inline">{formatBytes(Number(item.iso.sizeBytes))}</dd>
                </div>
                <div>
                  <dt className="inline text-slate-500">Built </dt>
                  <dd className="inline">{item.finishedAt?.toISOString().replace("T", " ").slice(0, 16)}</dd>
                </div>
                <div>
                  <dt className="inline text-slate-500">Host </dt>
                  <dd className="inline">{item.host ?? "—"}</dd>
                </div>
                <div>
                  <dt className="inline text-slate-500">Duration </dt>
                  <dd className="inline">{item.durationMs === null ? "—" : `${Math.round(item.durationMs / 1000)} s`}</dd>
                </div>
                <div className="col-span-2 sm:col-span-4">
                  <dt className="inline text-slate-500">sha256 </dt>
                  <dd className="inline break-all font-mono text-xs" data-testid="iso-sha256">
                    {item.iso.sha256}
                  </dd>
                </div>
                <div>
                  <dt className="inline text-slate-500">Reused </dt>
                  <dd className="inline">{item.isReused ? "yes" : "no"}</dd>
                </div>
                <div>
                  <dt className="inline text-slate-500">Boot test </dt>
                  <dd className="inline" data-testid="boot-test">
                    {item.bootTests.length ? item.bootTests.map((t) => `${t.firmware} ${t.passed ? "passed" : "failed"}`).join(", ") : "—"}
                  </dd>
                </div>
                <div>
                  {item.log && (
                    <a className="text-indigo-700 underline" href={`/api/artifacts/${item.log.id}`}>
                      Log
                    </a>
                  )}
                </div>
                <div>
                  <Link className="text-indigo-700 underline" href={`/builds/${item.buildId}`}>
                    Build page
                  </Link>
                </div>
              </dl>
              <details className="mt-2">
                <summary className="cursor-pointer text-slate-600">Profile that made it</summary>
                <pre className="mt-2 overflow-auto rounded bg-slate-50 p-3 text-xs">{item.profileText}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      <Pager path="/downloads" newer={newer} older={older} label={`${items.length} ISOs on this page`} />
    </>
  );
}
