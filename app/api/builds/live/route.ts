import { LIVE_ROUTES, liveRouteHandler } from "@/lib/builds/live-delivery";

export const dynamic = "force-dynamic";

// GET /api/builds/live?log=<id>:<last id>&status=<id>,<id> - one page's live builds on one Server-Sent Events connection
// (the production server answers it in front of Next.js: lib/builds/live-delivery.ts)
export const GET = liveRouteHandler(LIVE_ROUTES.page);
