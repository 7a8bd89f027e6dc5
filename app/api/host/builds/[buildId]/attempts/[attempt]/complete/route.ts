import { z } from "zod";
import { withAttempt } from "@/lib/api/host-handler";
import { completeBuild } from "@/lib/builds/host";

// The result itself is parsed and checked against the build by completeBuild (contracts/build-result.ts).
const completeSchema = z.strictObject({ result: z.unknown() });

// POST /api/host/builds/{buildId}/attempts/{attempt}/complete - the ISO is uploaded: check the result and publish it (422 if it does not match)
export const POST = withAttempt(
  async ({ buildId, attempt, bearer, body }) => {
    const build = await completeBuild({ buildId, attempt, token: bearer, result: body.result });
    return { status: build.status };
  },
  { body: completeSchema },
);
