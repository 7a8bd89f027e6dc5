import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { withActor, type Route } from "../api/handler";
import { apiHeaders, webRequestOf, writeWebResponse } from "../api/node-server";
import type { Actor } from "../auth/actor";
import { LIVE_HEADERS, liveQuery, responseSink, streamBuildEvents, streamLiveEvents, webStreamSink, type LiveSink } from "./events";

type Follow = (ctx: { actor: Actor; request: Request; buildId: string; query: z.infer<typeof liveQuery> }, sink: LiveSink) => Promise<void>;
type LiveRoute = { pattern: RegExp; query?: typeof liveQuery; follow: Follow };

/**
 * The Server-Sent Events routes, each once: the production server answers them in front of Next.js, writing to the
 * Node.js response (`handleLiveRequest`), and their Next.js route handlers (`next dev`) with a web stream.
 */
export const LIVE_ROUTES = {
  /** GET /api/builds/live?log=<id>:<last id>&status=<id>,<id> - one page's live builds on one connection. */
  page: { pattern: /^\/api\/builds\/live$/, query: liveQuery, follow: ({ actor, query }, sink) => streamLiveEvents({ actor, query, sink }) },
  /** GET /api/builds/{id}/events - one build's log and phases (resumes from Last-Event-ID, or ?after=<id>). */
  build: {
    pattern: /^\/api\/builds\/([^/]+)\/events$/,
    follow: ({ actor, request, buildId }, sink) =>
      streamBuildEvents({ actor, buildId, lastEventId: request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after"), sink }),
  },
  /** GET /api/v1/builds/{id}/events - the same for scripts (resumes from Last-Event-ID). */
  api: {
    pattern: /^\/api\/v1\/builds\/([^/]+)\/events$/,
    follow: ({ actor, request, buildId }, sink) => streamBuildEvents({ actor, buildId, lastEventId: request.headers.get("last-event-id"), sink }),
  },
} satisfies Record<string, LiveRoute>;

/** A live route as a Next.js route handler: the stream is a web stream Next.js pipes into the response. */
export function liveRouteHandler(route: LiveRoute): Route {
  return withActor(
    async ({ actor, request, params, query }) => {
      const { sink, stream } = webStreamSink(request.signal);
      await route.follow({ actor, request, buildId: params.buildId ?? params.id ?? "", query: query as z.infer<typeof liveQuery> }, sink);
      return new Response(stream, { headers: LIVE_HEADERS });
    },
    { query: route.query },
  );
}

/**
 * Serves GET of a live route from the production server, after the same sign-in checks as every API route (an
 * error is the API's JSON answer): the events are written to the Node.js response directly. Returns false for
 * requests it does not serve, which go on to Next.js.
 */
export async function handleLiveRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  if (req.method !== "GET") return false;
  const url = new URL(req.url ?? "/", origin);
  const found = Object.values(LIVE_ROUTES)
    .map((route: LiveRoute) => ({ route, match: route.pattern.exec(url.pathname) }))
    .find(({ match }) => match !== null);
  if (!found) return false;
  let buildId = "";
  try {
    buildId = decodeURIComponent(found.match![1] ?? "");
  } catch {
    // A malformed %-escape: Next.js answers such paths (404).
    return false;
  }
  const sink = responseSink(res, { ...apiHeaders(), ...LIVE_HEADERS });
  let isStreaming = false;
  const answer = await withActor(
    async ({ actor, request, query }) => {
      await found.route.follow({ actor, request, buildId, query: query as z.infer<typeof liveQuery> }, sink);
      isStreaming = true;
      return null;
    },
    { query: found.route.query },
  )(webRequestOf(req, url));
  if (!isStreaming) await writeWebResponse(res, answer, false);
  return true;
}
