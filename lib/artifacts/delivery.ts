import type { IncomingMessage, ServerResponse } from "node:http";
import send from "send";
import { errorResponse, withActor } from "../api/handler";
import { apiHeaders, webRequestOf, writeWebResponse } from "../api/node-server";
import type { Actor } from "../auth/actor";
import { artifactsOf, getBuildOrThrow } from "../builds/queries";
import { AppError } from "../errors";
import { getSharedArtifactOrThrow } from "../sharing";
import { artifactHeaders, getArtifactOrThrow, type ServableArtifact } from "./downloads";
import { getArtifactStorage } from "./storage";

/** An artifact the request may have, and how to present it. */
export type ArtifactDelivery = { artifact: ServableArtifact; isInline?: boolean; headers?: Record<string, string> };

type Authorize = (request: Request, params: string[]) => Promise<ArtifactDelivery | Response | null>;

/** Runs `find` as the request's actor through the API wrapper (the same sign-in and token checks as every route); an error becomes its JSON response. */
async function asActor(request: Request, find: (actor: Actor) => Promise<ArtifactDelivery | null>): Promise<ArtifactDelivery | Response | null> {
  const found: { delivery?: ArtifactDelivery | null } = {};
  const response = await withActor(async ({ actor }) => {
    found.delivery = await find(actor);
    return null;
  })(request);
  return found.delivery ?? (response.ok ? null : response);
}

/**
 * The routes that serve artifact bytes, and who may have them: by id to its owner (session or API token), by
 * share link to anyone holding it. The same checks as the Next.js route handlers of these paths.
 */
const ARTIFACT_ROUTES: { pattern: RegExp; authorize: Authorize }[] = [
  {
    pattern: /^\/api\/artifacts\/([^/]+)$/,
    authorize: (request, [id]) => asActor(request, async (actor) => ({ artifact: await getArtifactOrThrow({ actor, artifactId: id! }) })),
  },
  {
    pattern: /^\/api\/v1\/isos\/([^/]+)\/download$/,
    authorize: (request, [id]) =>
      asActor(request, async (actor) => {
        const artifact = await getArtifactOrThrow({ actor, artifactId: id! });
        if (artifact.kind !== "ISO") throw new AppError("NOT_FOUND", "No such ISO");
        return { artifact };
      }),
  },
  {
    // A build's stored log, shown inline; while the build runs there is none, and Next.js serves the live text.
    pattern: /^\/api\/v1\/builds\/([^/]+)\/log$/,
    authorize: (request, [id]) =>
      asActor(request, async (actor) => {
        const { log } = artifactsOf(await getBuildOrThrow({ actor, buildId: id! }));
        return log ? { artifact: log, isInline: true } : null;
      }),
  },
  {
    pattern: /^\/share\/iso\/([^/]+)\/(download|log)$/,
    authorize: async (_request, [token, which]) => {
      try {
        const artifact = await getSharedArtifactOrThrow({ token: token!, kind: which === "log" ? "LOG" : "ISO" });
        // The link is the secret: keep it out of other sites' Referer headers and out of search engines.
        return { artifact, headers: { "referrer-policy": "no-referrer", "x-robots-tag": "noindex" } };
      } catch (error) {
        return errorResponse(error);
      }
    },
  },
];

/** The artifact route a path names, with its decoded parameters, or null for every other path. */
function matchArtifactRoute(pathname: string): { authorize: Authorize; params: string[] } | null {
  for (const route of ARTIFACT_ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    try {
      return { authorize: route.authorize, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      // A malformed %-escape: Next.js answers such paths (404).
      return null;
    }
  }
  return null;
}

/**
 * Serves GET/HEAD of an artifact route from the production server (Next.js drops Content-Length on streamed
 * bodies): after the route's authorization, `send` answers with Content-Length, Accept-Ranges, 206/416, ETag (the
 * sha256), Last-Modified and the conditional requests (If-None-Match, If-Modified-Since, If-Range). Returns false
 * for requests it does not serve, which go on to Next.js.
 */
export async function handleArtifactRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const url = new URL(req.url ?? "/", origin);
  const route = matchArtifactRoute(url.pathname);
  if (!route) return false;
  const request = webRequestOf(req, url);
  const delivery = await route.authorize(request, route.params);
  if (delivery === null) return false;
  if (delivery instanceof Response) {
    await writeWebResponse(res, delivery, req.method === "HEAD");
    return true;
  }
  const { artifact } = delivery;
  const storage = getArtifactStorage();
  const file = storage.localPath(artifact.storageKey);
  if ((await storage.size(artifact.storageKey)) !== Number(artifact.sizeBytes)) {
    console.error(`artifact ${artifact.id}: ${artifact.storageKey} is missing or not ${artifact.sizeBytes} bytes in storage`);
    await writeWebResponse(
      res,
      errorResponse(new AppError("UNAVAILABLE", "This file is missing from the dashboard's storage: build the profile again")),
      req.method === "HEAD",
    );
    return true;
  }
  for (const [name, value] of Object.entries({ ...apiHeaders(), ...artifactHeaders(delivery), ...delivery.headers, etag: `"${artifact.sha256}"` }))
    res.setHeader(name, value);
  await new Promise<void>((resolve) => {
    res.once("close", resolve);
    send(req, file.name, { root: file.root, dotfiles: "allow", etag: false, cacheControl: false, index: false })
      .on("error", (error: { status?: number; headers?: Record<string, string> }) => {
        if (res.headersSent) return void res.destroy();
        // 412 (a failed If-Match/If-Unmodified-Since) and 416 (a range outside the file) carry no body.
        if (error.status === 412 || error.status === 416) {
          res.statusCode = error.status;
          for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
          res.setHeader("content-length", "0");
          return void res.end();
        }
        console.error(`artifact ${artifact.id}: send failed with ${error.status}`);
        void writeWebResponse(
          res,
          errorResponse(new AppError("UNAVAILABLE", "This file could not be read from the dashboard's storage: try again")),
          req.method === "HEAD",
        );
      })
      .pipe(res);
  });
  return true;
}
