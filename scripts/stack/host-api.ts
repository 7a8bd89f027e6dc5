// The build hosts' API (/api/host/...), answered by its route handlers in front of Next.js: JSON and artifact
// bytes between machines, which need nothing of Next.js's router and page machinery; reaching a route handler
// through Next.js cost about six times the handler's own work on this project's machines (docs/benchmarks.md).
// The route modules are the ones Next.js serves under `next dev`, found the way its file-system router finds them.
import { readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { apiHeaders, webRequestOf } from "@/lib/api/node-server";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type HostRoute = { pattern: RegExp; names: string[]; file: string; module?: Promise<Record<string, Handler | unknown>> };

const ROOT = path.join(process.cwd(), "app");

/** Every route.ts under app/api/host, as a pattern whose groups are its [param] segments. */
function hostRoutes(): HostRoute[] {
  const found: HostRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const segments = path.relative(ROOT, dir).split(path.sep);
        const names = segments.filter((s) => /^\[\w+\]$/.test(s)).map((s) => s.slice(1, -1));
        const pattern = new RegExp(`^/${segments.map((s) => (/^\[\w+\]$/.test(s) ? "([^/]+)" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`);
        found.push({ pattern, names, file: full });
      }
    }
  };
  walk(path.join(ROOT, "api", "host"));
  // A static segment wins over a parameter where both would match (testdrive/next against testdrive/[sessionId]).
  return found.sort((a, b) => a.names.length - b.names.length);
}

const ROUTES = hostRoutes();

/**
 * Serves a request of the host API with its route handler: the body streamed in (uploads are ISOs), the answer
 * streamed out with the API's headers, the handler's request aborted when the host hangs up (long polls). Returns
 * false for every other path, and for a method the route does not have (Next.js answers 405).
 */
export async function handleHostApiRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  if (!req.url?.startsWith("/api/host/")) return false;
  const url = new URL(req.url, origin);
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    } catch {
      return false;
    }
    route.module ??= import(route.file);
    const handler = (await route.module)[req.method ?? "GET"];
    if (typeof handler !== "function") return false;
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    const request = webRequestOf(req, url, { withBody: true, signal: controller.signal });
    const response = await (handler as Handler)(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, { ...apiHeaders(), ...Object.fromEntries(response.headers) });
    if (!response.body || req.method === "HEAD") {
      res.end();
      return true;
    }
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    res.once("close", () => body.destroy());
    body.pipe(res);
    return true;
  }
  return false;
}
