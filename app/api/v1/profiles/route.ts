import { jsonResponse, toWire, withActor } from "@/lib/api/handler";
import { createProfileBody, profileDetailSchema, profileListQuery, profileListSchema } from "@/lib/api/schemas";
import { createProfile, getProfileOrThrow, listProfiles } from "@/lib/profiles";

// GET /api/v1/profiles?machineId= - list a machine's profiles with their latest revision
export const GET = withActor(
  async ({ actor, query }) => {
    const profiles = await listProfiles({ actor, machineId: query.machineId });
    return toWire(profileListSchema, { profiles: profiles.map(({ revisions, ...profile }) => ({ ...profile, latest: revisions[0] })) });
  },
  { query: profileListQuery },
);

// POST /api/v1/profiles - create a profile; revision 1 is the given selection or the channel's defaults
export const POST = withActor(
  async ({ actor, body }) => {
    const created = await createProfile({ actor, machineId: body.machineId, name: body.name, channel: body.channel, selection: body.selection });
    return jsonResponse(toWire(profileDetailSchema, await getProfileOrThrow({ actor, profileId: created.id })), 201);
  },
  { body: createProfileBody },
);
