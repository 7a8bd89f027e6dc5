import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/current-actor";
import { listDownloads } from "@/lib/artifacts/downloads";
import { loadPageOrFirst } from "@/lib/load-or-404";
import { cursorParams } from "@/lib/pagination";
import { Pager } from "@/components/ui/pager";
import { PageHeader } from "@/components/ui/page-header";
import { formatBytes } from "@/components/format";
import { EmptyState } from "@/components/ui/notices";
import { Cell, Table } from "@/components/ui/table";

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
        // One row per ISO, a few cells each: this page is read with hundreds of builds behind it (bench/dashboard-load.ts).
        <div className="overflow-x-auto">
          <Table label="ISOs" columns={["ISO", "Profile", "Size", "Built", "Host, duration", "Boot test", ""]} className="[&_td]:align-top">
            {items.map((item) => (
              <tr key={item.buildId} data-testid="download-item">
                <Cell className="min-w-64 max-w-xs">
                  <a className="font-medium text-indigo-700 underline" href={`/api/artifacts/${item.iso.id}`} data-testid="iso-download">
                    {item.iso.fileName}
                  </a>
                  {item.isReused && " (reused)"}
                  <code className="block break-all text-xs text-slate-600" data-testid="iso-sha256" title="sha256">
                    {item.iso.sha256}
                  </code>
                  <details>
                    <summary className="cursor-pointer text-slate-600">Profile that made it</summary>
                    <pre className="overflow-auto rounded bg-slate-50 p-2 text-xs">{item.profileText}</pre>
                  </details>
                </Cell>
                <Cell>{`${item.machine} / ${item.profile} r${item.revisionNumber}`}</Cell>
                <Cell className="whitespace-nowrap">{formatBytes(Number(item.iso.sizeBytes))}</Cell>
                <Cell className="whitespace-nowrap">{item.finishedAt.toISOString().replace("T", " ").slice(0, 16)}</Cell>
                <Cell>{`${item.host ?? "—"}, ${item.durationMs === null ? "—" : `${Math.round(item.durationMs / 1000)} s`}`}</Cell>
                <Cell>
                  <span data-testid="boot-test">
                    {item.bootTests.length ? item.bootTests.map((t) => `${t.firmware} ${t.passed ? "passed" : "failed"}`).join(", ") : "—"}
                  </span>
                </Cell>
                {/* Plain links: next/link in each row would be a client component to render and a page to prefetch. */}
                <Cell className="space-x-3 whitespace-nowrap">
                  {item.log && (
                    <a className="text-indigo-700 underline" href={`/api/artifacts/${item.log.id}`}>
                      Log
                    </a>
                  )}
                  <a className="text-indigo-700 underline" href={`/builds/${item.buildId}`}>
                    Build page
                  </a>
                </Cell>
              </tr>
            ))}
          </Table>
        </div>
      )}
      <Pager path="/downloads" newer={newer} older={older} label={`${items.length} ISOs on this page`} />
    </>
  );
}
