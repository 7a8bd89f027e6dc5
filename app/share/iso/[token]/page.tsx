import type { Metadata } from "next";
import { loadOr404 } from "@/lib/load-or-404";
import { formatBytes } from "@/components/format";
import { buttonClass } from "@/components/ui/button";
import { readLogTail } from "@/lib/builds/queries";
import { StoredLog } from "@/components/builds/stored-log";
import { getSharedBuild } from "@/lib/sharing";
import { getCurrentActor } from "@/lib/auth/current-actor";
import { testDriveLimits } from "@/lib/testdrive";
import { TryIt } from "@/components/testdrive/try-it";

export const metadata: Metadata = { title: "Shared ISO" };

export default async function SharedIsoPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const build = await loadOr404(() => getSharedBuild({ token }));
  const logTail = await readLogTail(build.storage);
  const viewer = build.testDrive ? await getCurrentActor() : null;
  return (
    <>
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]" data-testid="shared-title">
          {build.title}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {build.channel} · {build.arch} · built {build.finishedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
        </p>
      </div>
      <div className="mb-6 space-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
        <p className="flex flex-wrap items-center gap-3">
          <a className={buttonClass("primary")} href={`/share/iso/${token}/download`} data-testid="iso-download" rel="noreferrer">
            Download {build.iso.fileName}
          </a>
          <span>{formatBytes(build.iso.sizeBytes)}</span>
        </p>
        <p>
          <span className="text-slate-500">SHA256 </span>
          <code className="break-all text-xs" data-testid="iso-sha256">
            {build.iso.sha256}
          </code>
        </p>
        <p className="text-slate-600">
          Check it after downloading:{" "}
          <code className="text-xs">
            echo &quot;{build.iso.sha256} {build.iso.fileName}&quot; | sha256sum -c
          </code>
        </p>
        {build.bootTests.length > 0 && (
          <p className="text-slate-700" data-testid="boot-tests">
            Boot test: {build.bootTests.map((t) => `${t.firmware.toUpperCase()} ${t.passed ? "passed" : "failed"}`).join(", ")}
          </p>
        )}
      </div>
      {build.testDrive &&
        (viewer ? (
          <TryIt target={{ shareToken: token }} bootloader={build.testDrive.bootloader} limits={testDriveLimits()} />
        ) : (
          <p className="mb-6 text-sm" data-testid="testdrive-sign-in">
            Its owner lets you try this ISO in your browser:{" "}
            <a className="text-indigo-700 underline" href="/sign-in">
              sign in
            </a>{" "}
            and open this link again.
          </p>
        ))}
      {build.profileText && (
        <section aria-label="Configuration" className="mb-6 space-y-2">
          <h2 className="text-sm font-medium">The configuration that produced it</h2>
          <pre data-testid="shared-profile-text" className="overflow-auto rounded-lg bg-white p-4 text-xs leading-5 ring-1 ring-slate-200">
            {build.profileText}
          </pre>
        </section>
      )}
      <StoredLog tail={logTail} logUrl={build.log ? `/share/iso/${token}/log` : null} />
    </>
  );
}
