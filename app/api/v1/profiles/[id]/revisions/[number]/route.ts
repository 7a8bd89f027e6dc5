import { toWire, withActor } from "@/lib/api/handler";
import { revisionSchema } from "@/lib/api/schemas";
import { AppError } from "@/lib/errors";
import { getRevisionOrThrow } from "@/lib/profiles/revisions";

// GET /api/v1/profiles/{id}/revisions/{number} - one revision
export const GET = withActor(async ({ actor, params }) => {
  const number = Number(params.number);
  if (!Number.isSafeInteger(number) || number < 1) throw new AppError("NOT_FOUND", `This profile has no revision "${params.number}"`);
  return toWire(revisionSchema, await getRevisionOrThrow({ actor, profileId: params.id!, number }));
});
