import { withActor } from "@/lib/api/handler";
import { endTestDriveOfActor } from "@/lib/testdrive";

// POST /api/testdrive/{sessionId}/end - ends the session; the host stops QEMU
export const POST = withActor(async ({ actor, params }) => endTestDriveOfActor({ actor, sessionId: params.sessionId!, reason: "Ended in the page" }));
