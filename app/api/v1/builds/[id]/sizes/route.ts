import { toWire, withActor } from "@/lib/api/handler";
import { buildSizeRecordSchema } from "@/lib/api/schemas";
import { getBuildSizesOrThrow } from "@/lib/builds/sizes";

// GET /api/v1/builds/{id}/sizes - each part of the build's ISO with its version and bytes, the totals and the profile's budget
export const GET = withActor(async ({ actor, params }) => toWire(buildSizeRecordSchema, await getBuildSizesOrThrow({ actor, buildId: params.id! })));
