import { jsonResponse, toWire, withActor } from "@/lib/api/handler";
import { createRevisionBody, revisionListSchema, revisionSchema } from "@/lib/api/schemas";
import { listRevisions, saveRevision } from "@/lib/profiles/revisions";

// GET /api/v1/profiles/{id}/revisions - every revision of a profile, newest first
export const GET = withActor(async ({ actor, params }) => toWire(revisionListSchema, { revisions: await listRevisions({ actor, profileId: params.id! }) }));

// POST /api/v1/profiles/{id}/revisions - save a selection as a new revision (409 if baseNumber is stale)
export const POST = withActor(
  async ({ actor, params, body }) => jsonResponse(toWire(revisionSchema, await saveRevision({ actor, profileId: params.id!, ...body })), 201),
  { body: createRevisionBody },
);
