import { withAttempt } from "@/lib/api/host-handler";
import { appendAttemptLog } from "@/lib/builds/host";
import { logBatchSchema } from "@/contracts/jobs";

// POST /api/host/builds/{buildId}/attempts/{attempt}/log - a batch of log lines of a running attempt, for the live log
export const POST = withAttempt(async ({ build, body }) => appendAttemptLog({ build, lines: body.lines }), {
  body: logBatchSchema,
});
