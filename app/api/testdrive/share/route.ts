import { withActor } from "@/lib/api/handler";
import { setTestDriveOnShare } from "@/lib/testdrive";
import { testDriveOnShareSchema } from "@/contracts/testdrive";

// POST /api/testdrive/share - lets signed-in people holding your build's share link try it, or stops letting them
export const POST = withActor(async ({ actor, body }) => setTestDriveOnShare({ actor, buildId: body.buildId, isAllowed: body.isAllowed }), {
  body: testDriveOnShareSchema,
});
