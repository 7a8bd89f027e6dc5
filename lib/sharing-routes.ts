import { errorResponse } from "./api/handler";
import { serveArtifactFile } from "./artifacts/downloads";
import { getSharedArtifactOrThrow } from "./sharing";

type RouteContext = { params: Promise<{ token: string }> };

/**
 * A route handler serving a shared build's ISO or log to anyone holding the link: the owner's download
 * (attachment, Range 206/416, HEAD) with the token in place of a session.
 */
export function serveSharedArtifact(kind: "ISO" | "LOG") {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const { token } = await context.params;
      const artifact = await getSharedArtifactOrThrow({ token, kind });
      const response = await serveArtifactFile({ artifact, request });
      // The link is the secret: keep it out of other sites' Referer headers and out of search engines.
      response.headers.set("referrer-policy", "no-referrer");
      response.headers.set("x-robots-tag", "noindex");
      return response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}
