import { withTestDriveSession } from "@/lib/api/host-handler";
import { reportTestDriveState } from "@/lib/testdrive/host";
import { testDriveStateSchema } from "@/contracts/testdrive";

// POST /api/host/testdrive/{sessionId}/state - QEMU runs, or the session ended on the host (and why)
export const POST = withTestDriveSession(async ({ session, body }) => reportTestDriveState({ session, input: body }), { body: testDriveStateSchema });
