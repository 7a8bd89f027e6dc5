import { withAttempt } from "@/lib/api/host-handler";
import { reportPhase } from "@/lib/builds/host";
import { phaseEventSchema } from "@/contracts/jobs";

// POST /api/host/builds/{buildId}/attempts/{attempt}/phase - progress of a running attempt
export const POST = withAttempt(async ({ build, body }) => reportPhase({ build, event: body }), {
  body: phaseEventSchema,
});
