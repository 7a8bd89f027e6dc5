import { withActor } from "@/lib/api/handler";
import { toBuild } from "@/lib/api/serialize";
import { cancelBuild, getBuildOrThrow } from "@/lib/builds";

// POST /api/v1/builds/{id}/cancel - cancel a queued or running build
export const POST = withActor(async ({ actor, params }) => {
  const build = await cancelBuild({ actor, buildId: params.id! });
  return toBuild(await getBuildOrThrow({ actor, buildId: build.id }));
});
