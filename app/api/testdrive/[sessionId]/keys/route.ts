import { withActor } from "@/lib/api/handler";
import { sendTestDriveKeys } from "@/lib/testdrive/console";
import { testDriveKeysSchema } from "@/contracts/testdrive";

// POST /api/testdrive/{sessionId}/keys - keys typed in the terminal, for the system's serial console
export const POST = withActor(async ({ actor, params, body }) => sendTestDriveKeys({ actor, sessionId: params.sessionId!, data: body.data }), {
  body: testDriveKeysSchema,
});
