import { LIVE_ROUTES, liveRouteHandler } from "@/lib/builds/live-delivery";

export const dynamic = "force-dynamic";

// GET /api/v1/builds/{id}/events - the live log and phases as Server-Sent Events (resumes from Last-Event-ID)
// (the production server answers it in front of Next.js: lib/builds/live-delivery.ts)
export const GET = liveRouteHandler(LIVE_ROUTES.api);
