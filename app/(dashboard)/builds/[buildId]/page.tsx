import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireActor } from "@/lib/auth/current-actor";
import { artifactsOf, getBuildOrThrow, readLogTail } from "@/lib/builds/queries";
import { findNoHostReason } from "@/lib/hosts";
import { isAppError } from "@/lib/errors";
import { PageHeader } from "@/components/ui/page-header";
import { SharePanel } from "@/components/share-panel";
import { BootChecks } from "@/components/boot-checks";
import { AttemptHistory } from "@/components/builds/attempt-history";
import { StoredLog } from "@/components/builds/stored-log";
import { buildSharePath } from "@/lib/sharing";
import { shareBuildAction, unshareBuildAction } from "../actions";
import { BuildControls } from "../build-controls";
import { LiveLog } from "@/components/live/live-log";
import { SizeBreakdown } from "@/components/size-breakdown";
import { getBuildSizePanel } from "@/lib/builds/sizes";
import { isBuildActive } from "@/lib/builds/state";
import { formatBytes } from "@/components/format";
import { TryIt } from "@/components/testdrive/try-it";
import { testDriveLimits } from "@/lib/testdrive";
import { formatDuration, StatusBadge } from "../format";

export const metadata: Metadata = { title: "Build" };

export default async function BuildPage({ params, searchParams }: { params: Promise<{ buildId: string }>; searchParams: Promise<{ against?: string }> }) {
  const actor = await requireActor();
  const { buildId } = await params;
  const { against } = await searchParams;
  const build = await getBuildOrThrow({ actor, buildId }).catch((error) => {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const { iso, log } = artifactsOf(build);
  const isActive = isBuildActive(build.status);
  const source = build.reusedFrom ?? build;
  const failure = (build.result as { failure?: { step: string; tail: string[] } } | null)?.failure;
  const bootTests = (source.result as { bootTests?: { firmware: string; passed: boolean; seconds: number }[] } | null)?.bootTests ?? [];
  // What the page shows beside the build row, read at once.
  const [logTail, waitingReason, sizePanel] = await Promise.all([
    isActive ? null : readLogTail(build),
    findNoHostReason({ build }),
    build.status === "SUCCEEDED" ? getBuildSizePanel({ actor, buildId: build.id, againstId: typeof against === "string" ? against : undefined }) : null,
  ]);
  const { profile } = build.revision;
  return (
    <>
      <PageHeader
        title={`${profile.machine.name} / ${profile.name} r${build.revision.number}`}
        description={`Build ${build.id} · ${build.channel} ${build.channelRevision.slice(0, 12)} · ${build.arch}`}
        actions={<BuildControls buildId={build.id} canCancel={isActive} canRetry={build.status === "FAILED" || build.status === "CANCELLED"} />}
      />
      {waitingReason && (
        <div role="status" data-testid="waiting-reason" className="mb-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
          <p className="font-medium">Waiting for a build host</p>
          <p>{waitingReason}</p>
        </div>
      )}
      {build.failureReason && (
        <div role="alert" data-testid="failure-reason" className="mb-6 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
          <p className="font-medium">{build.failureReason}</p>
          {failure?.tail?.length ? <pre className="mt-2 overflow-auto text-xs text-red-800">{failure.tail.join("\n")}</pre> : null}
        </div>
      )}
      <dl className="mb-6 grid grid-cols-2 gap-4 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200 sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Status</dt>
          <dd>
            <StatusBadge status={build.status} />{" "}
            {build.reusedFromId && (
              <span data-testid="reused" className="ml-1 text-xs text-slate-600">
                reused
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Build host</dt>
          <dd>{build.host?.name ?? source.host?.name ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Attempt</dt>
          <dd>{build.attempt}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Duration</dt>
          <dd>{formatDuration(source.startedAt, source.finishedAt)}</dd>
        </div>
      </dl>
      {iso && (
        <div className="mb-6 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
          <p className="flex flex-wrap items-center gap-3">
            <a className="font-medium text-indigo-700 underline" href={`/api/artifacts/${iso.id}`} data-testid="iso-download">
              Download ISO
            </a>
            <span>{formatBytes(Number(iso.sizeBytes))}</span>
            <code className="break-all text-xs text-slate-600">sha256 {iso.sha256}</code>
          </p>
          {bootTests.length > 0 && (
            <p className="mt-2 text-slate-700" data-testid="boot-tests">
              Boot test: {bootTests.map((t) => `${t.firmware.toUpperCase()} ${t.passed ? "passed" : "failed"}`).join(", ")}
            </p>
          )}
          <BootChecks bootTests={bootTests} />
        </div>
      )}
      {iso && build.status === "SUCCEEDED" && (
        <TryIt
          target={{ buildId: build.id }}
          bootloader={(build.revision.selection as { roles?: Record<string, string> }).roles?.bootloader ?? "grub"}
          limits={testDriveLimits()}
          share={build.shareToken ? { buildId: build.id, isAllowed: build.testDriveOnShare } : undefined}
        />
      )}
      {sizePanel && <SizeBreakdown {...sizePanel} />}
      {(iso || build.shareToken) && (
        <div className="mb-6">
          <SharePanel
            what="this ISO, its log and configuration"
            path={build.shareToken ? buildSharePath(build.shareToken) : null}
            share={shareBuildAction.bind(null, build.id)}
            unshare={unshareBuildAction.bind(null, build.id)}
          />
        </div>
      )}
      <AttemptHistory attempts={build.attempts} refusals={build.refusals} />
      {isActive ? (
        <LiveLog buildId={build.id} initialPhase={{ phase: build.phase ?? "queued", progress: build.progress ?? 0, detail: "" }} />
      ) : (
        <StoredLog tail={logTail} logUrl={log ? `/api/artifacts/${log.id}` : null} />
      )}
      <p className="mt-6 text-sm">
        <Link className="text-indigo-700 underline" href="/builds" prefetch={false}>
          All builds
        </Link>
      </p>
    </>
  );
}
