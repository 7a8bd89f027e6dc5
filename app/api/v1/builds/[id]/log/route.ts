import { withActor } from "@/lib/api/handler";
import { serveArtifact } from "@/lib/artifacts/downloads";
import { getBuildOrThrow } from "@/lib/builds";
import { artifactsOf } from "@/lib/builds/queries";
import { readAllLogEvents } from "@/lib/log-stream";
import { getRedis } from "@/lib/redis";

// GET /api/v1/builds/{id}/log - the build log so far, as text (the stored log once the build has finished)
export const GET = withActor(async ({ actor, params, request }) => {
  const build = await getBuildOrThrow({ actor, buildId: params.id! });
  const { log } = artifactsOf(build);
  if (log) {
    const response = await serveArtifact({ actor, artifactId: log.id, request });
    response.headers.delete("content-disposition");
    return response;
  }
  const events = await readAllLogEvents(getRedis(), build.id);
  const text = events
    .flatMap((e) =>
      e.type === "line" ? [e.text] : e.type === "phase" ? [`== ${e.phase} ${Math.round(e.progress * 100)}%${e.detail ? ` ${e.detail}` : ""}`] : [],
    )
    .join("\n");
  return new Response(text ? `${text}\n` : "", { headers: { "content-type": "text/plain; charset=utf-8" } });
});
