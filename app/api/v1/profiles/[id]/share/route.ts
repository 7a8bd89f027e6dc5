import { toWire, withActor } from "@/lib/api/handler";
import { shareSchema } from "@/lib/api/schemas";
import { shareProfile, shareUrlOf, unshareProfile } from "@/lib/sharing";

// POST /api/v1/profiles/{id}/share - share a profile by link (again: the same link)
export const POST = withActor(async ({ actor, params }) => {
  const { path } = await shareProfile({ actor, profileId: params.id! });
  return toWire(shareSchema, { url: shareUrlOf(path) });
});

// DELETE /api/v1/profiles/{id}/share - stop sharing: the link answers 404 at once
export const DELETE = withActor(async ({ actor, params }) => {
  await unshareProfile({ actor, profileId: params.id! });
  return new Response(null, { status: 204 });
});
