import { withActor } from "@/lib/api/handler";
import { createTestDrive } from "@/lib/testdrive";
import { createTestDriveSchema } from "@/contracts/testdrive";

// POST /api/testdrive - boots a succeeded build of yours (or a shared one whose owner allows it) in QEMU on a build host; one session per person
export const POST = withActor(async ({ actor, body }) => createTestDrive({ actor, ...body }), { body: createTestDriveSchema });
