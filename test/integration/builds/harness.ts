// Shared set-up for the builds integration tests: real PostgreSQL and Redis, the app's real route handlers (and
// the live logs as the production server answers them) served over HTTP in this process, and build hosts (in-process or as child processes you can kill -9).
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

// Our own Redis database (unless the test runner gave us a private Redis with one chosen already) and artifact dir.
const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
if (redisUrl.pathname === "" || redisUrl.pathname === "/") redisUrl.pathname = "/9";
process.env.REDIS_URL = redisUrl.toString();
process.env.ARTIFACT_DIR = mkdtempSync(join(tmpdir(), "zxcv-artifacts-"));
process.env.MAX_CONCURRENT_BUILDS_PER_USER ??= "8";
// Test hosts beat every 300 ms: a host silent for 3 s is offline (the Hosts page's threshold, 30 s by default).
process.env.HOST_OFFLINE_AFTER_MS ??= "3000";
// A ceiling above any disk here (the default is 8 GiB), so the free-space check can be reached too.
process.env.MAX_UPLOAD_BYTES ??= String(1024 ** 4);

type RouteModule = Record<string, (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>>;

const ROUTES: [RegExp, string, string[]][] = [
  [/^\/api\/host\/register$/, "app/api/host/register/route", []],
  [/^\/api\/host\/heartbeat$/, "app/api/host/heartbeat/route", []],
  [/^\/api\/host\/builds\/([^/]+)\/claim$/, "app/api/host/builds/[buildId]/claim/route", ["buildId"]],
  [/^\/api\/host\/builds\/([^/]+)\/attempts\/([^/]+)\/phase$/, "app/api/host/builds/[buildId]/attempts/[attempt]/phase/route", ["buildId", "attempt"]],
  [/^\/api\/host\/builds\/([^/]+)\/attempts\/([^/]+)\/log$/, "app/api/host/builds/[buildId]/attempts/[attempt]/log/route", ["buildId", "attempt"]],
  [/^\/api\/host\/builds\/([^/]+)\/attempts\/([^/]+)\/complete$/, "app/api/host/builds/[buildId]/attempts/[attempt]/complete/route", ["buildId", "attempt"]],
  [/^\/api\/host\/builds\/([^/]+)\/attempts\/([^/]+)\/fail$/, "app/api/host/builds/[buildId]/attempts/[attempt]/fail/route", ["buildId", "attempt"]],
  [
    /^\/api\/host\/builds\/([^/]+)\/attempts\/([^/]+)\/artifacts\/([^/]+)$/,
    "app/api/host/builds/[buildId]/attempts/[attempt]/artifacts/[kind]/route",
    ["buildId", "attempt", "kind"],
  ],
  [/^\/api\/artifacts\/([^/]+)$/, "app/api/artifacts/[artifactId]/route", ["artifactId"]],
  [/^\/api\/builds\/([^/]+)\/events$/, "app/api/builds/[buildId]/events/route", ["buildId"]],
  [/^\/api\/v1\/builds\/([^/]+)\/sizes$/, "app/api/v1/builds/[id]/sizes/route", ["id"]],
  [/^\/api\/v1\/builds\/([^/]+)\/diff$/, "app/api/v1/builds/[id]/diff/route", ["id"]],
  [/^\/api\/v1\/profiles\/([^/]+)\/size-budget$/, "app/api/v1/profiles/[id]/size-budget/route", ["id"]],
  [/^\/api\/v1\/channels\/([^/]+)\/packages$/, "app/api/v1/channels/[name]/packages/route", ["name"]],
  [/^\/api\/v1\/channels\/([^/]+)\/packages\/closure$/, "app/api/v1/channels/[name]/packages/closure/route", ["name"]],
  [/^\/api\/testdrive$/, "app/api/testdrive/route", []],
  [/^\/api\/testdrive\/([^/]+)\/console$/, "app/api/testdrive/[sessionId]/console/route", ["sessionId"]],
  [/^\/api\/testdrive\/([^/]+)\/keys$/, "app/api/testdrive/[sessionId]/keys/route", ["sessionId"]],
  [/^\/api\/testdrive\/([^/]+)\/extend$/, "app/api/testdrive/[sessionId]/extend/route", ["sessionId"]],
  [/^\/api\/testdrive\/([^/]+)\/end$/, "app/api/testdrive/[sessionId]/end/route", ["sessionId"]],
  [/^\/api\/testdrive\/([^/]+)\/screen$/, "app/api/testdrive/[sessionId]/screen/route", ["sessionId"]],
  [/^\/api\/host\/testdrive\/next$/, "app/api/host/testdrive/next/route", []],
  [/^\/api\/host\/testdrive\/([^/]+)\/output$/, "app/api/host/testdrive/[sessionId]/output/route", ["sessionId"]],
  [/^\/api\/host\/testdrive\/([^/]+)\/input$/, "app/api/host/testdrive/[sessionId]/input/route", ["sessionId"]],
  [/^\/api\/host\/testdrive\/([^/]+)\/state$/, "app/api/host/testdrive/[sessionId]/state/route", ["sessionId"]],
  [/^\/api\/host\/testdrive\/([^/]+)\/iso$/, "app/api/host/testdrive/[sessionId]/iso/route", ["sessionId"]],
  [/^\/api\/host\/testdrive\/([^/]+)\/screen$/, "app/api/host/testdrive/[sessionId]/screen/route", ["sessionId"]],
  [/^\/api\/builds\/live$/, "app/api/builds/live/route", []],
];

async function handle(req: IncomingMessage, res: ServerResponse, options: { isLiveInFront: boolean }): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  // As the production server (scripts/stack/server.ts): the live logs are answered in front of the route handlers.
  if (options.isLiveInFront && (await (await import("@/lib/builds/live-delivery")).handleLiveRequest(req, res, url.origin))) return;
  for (const [pattern, modulePath, names] of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const mod = (await import(`../../../${modulePath}.ts`)) as RouteModule;
    const handler = mod[req.method ?? "GET"];
    if (!handler) break;
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as unknown as ReadableStream) : undefined,
      signal: controller.signal,
      duplex: "half",
    } as RequestInit);
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    const response = await handler(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      const body = Readable.fromWeb(response.body as unknown as WebReadableStream);
      res.on("close", () => body.destroy());
      body.pipe(res);
    } else res.end();
    return;
  }
  res.writeHead(404).end();
}

/**
 * The app's routes over HTTP, as the production server serves them; `isLiveInFront: false` leaves the live logs to
 * their Next.js route handlers, as `next dev` serves them.
 */
export async function startAppServer({ isLiveInFront = true } = {}): Promise<{ appUrl: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res, { isLiveInFront }).catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    appUrl,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
