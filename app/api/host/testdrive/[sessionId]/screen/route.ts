import { withTestDriveSession } from "@/lib/api/host-handler";
import { recordTestDriveScreen } from "@/lib/testdrive/host";
import { testDriveScreenSchema } from "@/contracts/testdrive";

// POST /api/host/testdrive/{sessionId}/screen - a picture of the screen (PNG, base64); answers whether the session goes on
export const POST = withTestDriveSession(async ({ session, body }) => recordTestDriveScreen({ session, png: body.png }), { body: testDriveScreenSchema });
