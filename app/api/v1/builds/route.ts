import { jsonResponse, withActor } from "@/lib/api/handler";
import { createBuildBody, pageQuery } from "@/lib/api/schemas";
import { toBuild } from "@/lib/api/serialize";
import { createBuild, getBuildOrThrow, listBuilds } from "@/lib/builds";
import { findNoHostReason } from "@/lib/hosts";
import { getProfileOrThrow } from "@/lib/profiles";

// GET /api/v1/builds - one page of your builds, newest first (?limit, ?after, ?before)
export const GET = withActor(
  async ({ actor, query }) => {
    const page = await listBuilds({ actor, after: query.after, before: query.before, take: query.limit });
    return { builds: page.items.map((build) => toBuild(build)), olderCursor: page.older, newerCursor: page.newer };
  },
  { query: pageQuery },
);

// POST /api/v1/builds - build a revision, or a profile's latest revision
export const POST = withActor(
  async ({ actor, body }) => {
    const revisionId = body.revisionId ?? (await getProfileOrThrow({ actor, profileId: body.profileId! })).latest.id;
    const build = await createBuild({ actor, revisionId });
    // Queued with no host of its arch online: still queued, and the answer says why it will wait.
    return jsonResponse(toBuild(await getBuildOrThrow({ actor, buildId: build.id }), { waitingReason: await findNoHostReason({ build }) }), 201);
  },
  { body: createBuildBody },
);
