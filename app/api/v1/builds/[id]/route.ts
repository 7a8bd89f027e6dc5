import { withActor } from "@/lib/api/handler";
import { toBuild } from "@/lib/api/serialize";
import { getBuildOrThrow } from "@/lib/builds";
import { findNoHostReason } from "@/lib/hosts";

// GET /api/v1/builds/{id} - a build with its status, phase, progress and ISO (and why it waits, while no host can take it)
export const GET = withActor(async ({ actor, params }) => {
  const build = await getBuildOrThrow({ actor, buildId: params.id! });
  return toBuild(build, { waitingReason: await findNoHostReason({ build }) });
});
