import { toWire, withActor } from "@/lib/api/handler";
import { buildDiffQuery, buildSizeComparisonSchema } from "@/lib/api/schemas";
import { compareBuildSizesOrThrow } from "@/lib/builds/sizes";

// GET /api/v1/builds/{id}/diff - size changes against ?against=ID or the profile's previous successful build, largest first
export const GET = withActor(
  async ({ actor, params, query }) =>
    toWire(buildSizeComparisonSchema, await compareBuildSizesOrThrow({ actor, buildId: params.id!, againstId: query.against })),
  { query: buildDiffQuery },
);
