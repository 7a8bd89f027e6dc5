import { withActor } from "@/lib/api/handler";
import { getArtifactOrThrow, serveArtifact } from "@/lib/artifacts/downloads";
import { AppError } from "@/lib/errors";

// GET /api/v1/isos/{id}/download - download an ISO (resumable with Range; sha256 in X-Content-SHA256)
export const GET = withActor(async ({ actor, params, request }) => {
  const artifact = await getArtifactOrThrow({ actor, artifactId: params.id! });
  if (artifact.kind !== "ISO") throw new AppError("NOT_FOUND", "No such ISO");
  return serveArtifact({ actor, artifactId: artifact.id, request });
});
