import { withTestDriveSession } from "@/lib/api/host-handler";
import { pollTestDriveInput } from "@/lib/testdrive/host";
import { testDriveInputPollSchema } from "@/contracts/testdrive";

export const dynamic = "force-dynamic";

// POST /api/host/testdrive/{sessionId}/input - long poll: keys typed in the page after a cursor, and whether the session ended
export const POST = withTestDriveSession(async ({ session, body, request }) => pollTestDriveInput({ session, after: body.after, signal: request.signal }), {
  body: testDriveInputPollSchema,
});
