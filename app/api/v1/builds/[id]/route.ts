import { withActor } from "@/lib/api/handler";
import { toBuild } from "@/lib/api/serialize";
import { getBuildOrThrow } from "@/lib/builds";

// GET /api/v1/builds/{id} - a build with its status, phase, progress and ISO
export const GET = withActor(async ({ actor, params }) => toBuild(await getBuildOrThrow({ actor, buildId: params.id! })));
