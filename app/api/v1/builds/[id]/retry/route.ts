import { withActor } from "@/lib/api/handler";
import { toBuild } from "@/lib/api/serialize";
import { getBuildOrThrow, retryBuild } from "@/lib/builds";

// POST /api/v1/builds/{id}/retry - queue a failed or cancelled build again
export const POST = withActor(async ({ actor, params }) => {
  const build = await retryBuild({ actor, buildId: params.id! });
  return toBuild(await getBuildOrThrow({ actor, buildId: build.id }));
});
