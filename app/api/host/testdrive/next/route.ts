import { withHost } from "@/lib/api/host-handler";
import { takeTestDriveOffer } from "@/lib/testdrive/host";
import { nextTestDriveSchema } from "@/contracts/testdrive";

export const dynamic = "force-dynamic";

// POST /api/host/testdrive/next - long poll: a test-drive offered to this host (with its session token), and the sessions to stop
export const POST = withHost(async ({ host, body, request }) => takeTestDriveOffer({ host, running: body.running, signal: request.signal }), {
  body: nextTestDriveSchema,
});
