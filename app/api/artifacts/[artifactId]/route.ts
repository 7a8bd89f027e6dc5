import { withActor } from "@/lib/api/handler";
import { serveArtifact } from "@/lib/artifacts/downloads";

// GET /api/artifacts/{artifactId} - download an ISO or log by id (resumable with Range; 206, 416)
export const GET = withActor(async ({ actor, params, request }) => serveArtifact({ actor, artifactId: params.artifactId!, request }));
// HEAD /api/artifacts/{artifactId} - size, sha256 (X-Content-SHA256) and ETag without the bytes
export const HEAD = GET;
