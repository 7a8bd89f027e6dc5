import { toWire, withActor } from "@/lib/api/handler";
import { shareSchema } from "@/lib/api/schemas";
import { shareBuild, shareUrlOf, unshareBuild } from "@/lib/sharing";

// POST /api/v1/builds/{id}/share - share a build's ISO, log and configuration by link (again: the same link)
export const POST = withActor(async ({ actor, params }) => {
  const { path } = await shareBuild({ actor, buildId: params.id! });
  return toWire(shareSchema, { url: shareUrlOf(path) });
});

// DELETE /api/v1/builds/{id}/share - stop sharing: the link and its downloads answer 404 at once
export const DELETE = withActor(async ({ actor, params }) => {
  await unshareBuild({ actor, buildId: params.id! });
  return new Response(null, { status: 204 });
});
