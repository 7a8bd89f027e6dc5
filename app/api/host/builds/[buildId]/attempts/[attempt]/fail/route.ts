import { withAttempt } from "@/lib/api/host-handler";
import { failBuild } from "@/lib/builds/host";
import { failBuildSchema } from "@/contracts/jobs";

// POST /api/host/builds/{buildId}/attempts/{attempt}/fail - the attempt failed: which step, and the last log lines
export const POST = withAttempt(async ({ buildId, attempt, bearer, body }) => failBuild({ buildId, attempt, token: bearer, failure: body }), {
  body: failBuildSchema,
});
