import { z } from "zod";
import { withAttempt } from "@/lib/api/host-handler";
import { completeBuild } from "@/lib/builds/host";

const completeSchema = z.object({ result: z.looseObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), isoSizeBytes: z.number().int().positive() }) });

// POST /api/host/builds/{buildId}/attempts/{attempt}/complete - the ISO is uploaded and verified: mark the build succeeded
export const POST = withAttempt(async ({ buildId, attempt, bearer, body }) => {
  const build = await completeBuild({ buildId, attempt, token: bearer, result: body.result });
  return { status: build.status };
}, { body: completeSchema });
