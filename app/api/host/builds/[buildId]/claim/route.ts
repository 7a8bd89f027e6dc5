import { withHost } from "@/lib/api/host-handler";
import { claimBuild } from "@/lib/builds/host";
import { claimBuildSchema } from "@/contracts/jobs";

// POST /api/host/builds/{buildId}/claim - take a build from the queue; returns the attempt and its upload token
export const POST = withHost(async ({ host, params }) => claimBuild({ host, buildId: params.buildId! }), { body: claimBuildSchema });
