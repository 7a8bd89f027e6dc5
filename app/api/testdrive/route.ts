import { withActor } from "@/lib/api/handler";
import { createTestDrive } from "@/lib/testdrive";
import { createTestDriveSchema } from "@/contracts/testdrive";

// POST /api/testdrive - boots one of your succeeded builds in QEMU on a build host (one session per person)
export const POST = withActor(async ({ actor, body }) => createTestDrive({ actor, buildId: body.buildId, firmware: body.firmware }), {
  body: createTestDriveSchema,
});
