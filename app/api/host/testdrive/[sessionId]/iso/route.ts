import { Readable } from "node:stream";
import { withTestDriveSession } from "@/lib/api/host-handler";
import { openTestDriveIso } from "@/lib/testdrive/host";

// GET /api/host/testdrive/{sessionId}/iso - the session's ISO, for a host that no longer has it (checked there by sha256)
export const GET = withTestDriveSession(async ({ session }) => {
  const { stream, sizeBytes } = await openTestDriveIso({ session });
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": "application/octet-stream", "x-content-size": String(sizeBytes) },
  });
});
