import { withHost } from "@/lib/api/host-handler";
import { claimBuild } from "@/lib/builds/claim";
import { claimBuildSchema } from "@/contracts/jobs";

// POST /api/host/builds/{buildId}/claim - take the build a job named: the attempt, its token and what to build
export const POST = withHost(async ({ host, params, body }) => claimBuild({ host, buildId: params.buildId!, attempt: body.attempt }), {
  body: claimBuildSchema,
});
