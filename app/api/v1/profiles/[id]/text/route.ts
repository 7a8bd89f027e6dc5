import { formatProfileText, PROFILE_TEXT_MAX_BYTES } from "@/contracts/profile-text";
import { selectionHash } from "@/contracts/selection";
import { toWire, withActor } from "@/lib/api/handler";
import { profileTextQuery, savedTextSchema } from "@/lib/api/schemas";
import { getProfileOrThrow } from "@/lib/profiles";
import { parseProfileTextOrThrow } from "@/lib/profiles/import";
import { saveRevision } from "@/lib/profiles/revisions";

// GET /api/v1/profiles/{id}/text - the latest revision as a profile file
export const GET = withActor(async ({ actor, params }) => {
  const profile = await getProfileOrThrow({ actor, profileId: params.id! });
  const text = formatProfileText(profile.latest.selection, { machine: profile.machine.name, profile: profile.name, revision: profile.latest.number });
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8" } });
});

// PUT /api/v1/profiles/{id}/text - save a profile file as a new revision (unchanged text saves nothing)
export const PUT = withActor<string, { baseNumber?: number }>(
  async ({ actor, params, body, query }) => {
    const profile = await getProfileOrThrow({ actor, profileId: params.id! });
    const selection = await parseProfileTextOrThrow(body, profile.channel);
    const baseNumber = query.baseNumber ?? profile.latest.number;
    // Pushing the same file twice saves nothing; a stale baseNumber is still a 409 from saveRevision.
    if (selectionHash(selection) === profile.latest.configHash && baseNumber === profile.latest.number) {
      return toWire(savedTextSchema, { revision: profile.latest, created: false });
    }
    const revision = await saveRevision({ actor, profileId: profile.id, baseNumber, selection, message: "Uploaded through the API" });
    return toWire(savedTextSchema, { revision, created: true });
  },
  { text: { maxBytes: PROFILE_TEXT_MAX_BYTES }, query: profileTextQuery },
);
