import { toWire, withActor } from "@/lib/api/handler";
import { isoListSchema, pageQuery } from "@/lib/api/schemas";
import { isoDownloadUrl } from "@/lib/api/serialize";
import { listDownloads } from "@/lib/artifacts/downloads";

// GET /api/v1/isos - one page of your built ISOs, newest first (?limit, ?after, ?before)
export const GET = withActor(
  async ({ actor, query }) => {
    const page = await listDownloads({ actor, after: query.after, before: query.before, take: query.limit });
    return toWire(isoListSchema, {
      olderCursor: page.older,
      newerCursor: page.newer,
      isos: page.items.map((d) => ({
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
  },
  { query: pageQuery },
);
