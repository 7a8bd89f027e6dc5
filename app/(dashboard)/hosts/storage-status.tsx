import type { getArtifactStorageStatus } from "@/lib/artifacts/storage-status";
import { formatBytes } from "@/lib/artifacts/storage";

/** The admin's view of the artifact disk: free space, and builds that failed because it was full. */
export function ArtifactStorageStatus({ status }: { status: NonNullable<Awaited<ReturnType<typeof getArtifactStorageStatus>>> }) {
  const { disk, refused } = status;
  const isLow = disk !== null && refused.length > 0;
  return (
    <section
      data-testid="artifact-storage"
      className={`mb-6 rounded-lg p-4 text-sm ring-1 ${isLow ? "bg-amber-50 ring-amber-300" : "bg-white ring-slate-200"}`}
    >
      <h2 className="mb-1 font-medium">Artifact storage</h2>
      <p className="text-slate-700">
        {disk ? `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}` : "cannot read the disk"} in <code>{status.dir}</code>
      </p>
      {refused.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-amber-900">
          {refused.map((build) => (
            <li key={build.id}>
              <a className="underline" href={`/builds/${build.id}`}>
                build {build.id.slice(-8)}
              </a>{" "}
              ({build.finishedAt?.toISOString().slice(0, 16).replace("T", " ")} UTC): {build.failureReason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
