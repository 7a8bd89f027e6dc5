import { toWire, withActor } from "@/lib/api/handler";
import { isoListSchema } from "@/lib/api/schemas";
import { isoDownloadUrl } from "@/lib/api/serialize";
import { listDownloads } from "@/lib/artifacts/downloads";

// GET /api/v1/isos - your built ISOs, newest first
export const GET = withActor(async ({ actor }) => {
  const downloads = await listDownloads({ actor });
  return toWire(isoListSchema, {
    isos: downloads.map((d) => ({
      ...d.iso,
      downloadUrl: isoDownloadUrl(d.iso.id),
      requestedBuildId: d.buildId,
      machine: d.machine,
      profile: d.profile,
      profileId: d.profileId,
      revisionNumber: d.revisionNumber,
      host: d.host,
    })),
  });
});
