import { withActor } from "@/lib/api/handler";
import { getTestDriveView } from "@/lib/testdrive";

// GET /api/testdrive/{sessionId} - the session: status, host, limits, when it ends
export const GET = withActor(async ({ actor, params }) => getTestDriveView({ actor, sessionId: params.sessionId! }));
