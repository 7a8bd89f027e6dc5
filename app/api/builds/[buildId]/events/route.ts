import { withActor } from "@/lib/api/handler";
import { streamBuildEvents } from "@/lib/builds/events";

export const dynamic = "force-dynamic";

// GET /api/builds/{buildId}/events - the live log and phases as Server-Sent Events (resumes from Last-Event-ID)
export const GET = withActor(async ({ actor, params, request }) => {
  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const stream = await streamBuildEvents({ actor, buildId: params.buildId!, lastEventId, signal: request.signal });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
