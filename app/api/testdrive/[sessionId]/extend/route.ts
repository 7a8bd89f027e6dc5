import { withActor } from "@/lib/api/handler";
import { extendTestDrive } from "@/lib/testdrive";

// POST /api/testdrive/{sessionId}/extend - adds the time limit once more (once per session)
export const POST = withActor(async ({ actor, params }) => extendTestDrive({ actor, sessionId: params.sessionId! }));
