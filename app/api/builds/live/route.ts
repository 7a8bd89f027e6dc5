import { withActor } from "@/lib/api/handler";
import { liveQuery, streamLiveEvents } from "@/lib/builds/events";

export const dynamic = "force-dynamic";

// GET /api/builds/live?log=<id>:<last id>&status=<id>,<id> - one page's live builds on one Server-Sent Events connection
export const GET = withActor(
  async ({ actor, query, request }) =>
    new Response(await streamLiveEvents({ actor, query, signal: request.signal }), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    }),
  { query: liveQuery },
);
