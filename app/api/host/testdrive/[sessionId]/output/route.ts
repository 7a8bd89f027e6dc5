import { withTestDriveSession } from "@/lib/api/host-handler";
import { recordTestDriveOutput } from "@/lib/testdrive/host";
import { testDriveOutputSchema } from "@/contracts/testdrive";

// POST /api/host/testdrive/{sessionId}/output - what the serial console printed (base64); answers whether the session goes on
export const POST = withTestDriveSession(async ({ session, body }) => recordTestDriveOutput({ session, data: body.data }), { body: testDriveOutputSchema });
