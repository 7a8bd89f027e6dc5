import { withActor } from "@/lib/api/handler";
import { streamTestDriveConsole } from "@/lib/testdrive/console";

export const dynamic = "force-dynamic";

// GET /api/testdrive/{sessionId}/console - the serial console as Server-Sent Events; closing it ends the session
export const GET = withActor(async ({ actor, params, request }) => {
  const lastEventId = request.headers.get("last-event-id");
  const stream = await streamTestDriveConsole({ actor, sessionId: params.sessionId!, lastEventId, signal: request.signal });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
