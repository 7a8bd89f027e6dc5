import { withActor } from "@/lib/api/handler";
import { getTestDriveScreen } from "@/lib/testdrive/console";

export const dynamic = "force-dynamic";

// GET /api/testdrive/{sessionId}/screen - the latest picture of the session's screen (PNG, refreshed every second)
export const GET = withActor(async ({ actor, params }) => {
  const png = await getTestDriveScreen({ actor, sessionId: params.sessionId! });
  return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "no-store" } });
});
