import { toWire, withActor } from "@/lib/api/handler";
import { profileDetailSchema, profileSchema, updateProfileBody } from "@/lib/api/schemas";
import { deleteProfile, getProfileOrThrow, renameProfile } from "@/lib/profiles";

// GET /api/v1/profiles/{id} - a profile with its latest revision
export const GET = withActor(async ({ actor, params }) => toWire(profileDetailSchema, await getProfileOrThrow({ actor, profileId: params.id! })));

// PATCH /api/v1/profiles/{id} - rename a profile
export const PATCH = withActor(
  async ({ actor, params, body }) => toWire(profileSchema, await renameProfile({ actor, profileId: params.id!, name: body.name })),
  { body: updateProfileBody },
);

// DELETE /api/v1/profiles/{id} - delete a profile with its revisions, builds and ISOs
export const DELETE = withActor(async ({ actor, params }) => {
  await deleteProfile({ actor, profileId: params.id! });
  return new Response(null, { status: 204 });
});
