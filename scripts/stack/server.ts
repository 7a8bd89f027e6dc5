// The production web server (`npm start`, the test stack): Next.js's request handler, with three kinds of route
// served in front of it: artifact downloads by `send`, because Next.js drops the Content-Length of a streamed route
// response, the live logs' Server-Sent Events written to the response directly (lib/builds/live-delivery.ts), and
// the build hosts' API by its route handlers (host-api.ts).
import http from "node:http";
import next from "next";

const [port, host] = [Number(process.argv[2]), process.argv[3] ?? "127.0.0.1"];
const app = next({ dev: false, dir: process.cwd(), hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
// Imported once Next.js has set up its server environment (next/headers needs its AsyncLocalStorage).
const { handleArtifactRequest } = await import("@/lib/artifacts/delivery");
const { handleLiveRequest } = await import("@/lib/builds/live-delivery");
const { handleHostApiRequest } = await import("./host-api");
const { answerDuringOutage } = await import("./outage");
const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

const server = http.createServer((req, res) => {
  answerDuringOutage(req, res)
    .then(
      async (answered) =>
        answered ||
        (await handleHostApiRequest(req, res, origin)) ||
        (await handleLiveRequest(req, res, origin)) ||
        (await handleArtifactRequest(req, res, origin)) ||
        handle(req, res),
    )
    .catch((error: unknown) => {
      console.error("Unhandled error serving", req.method, req.url, error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(
          JSON.stringify({
            error: { code: "INTERNAL", message: "Something went wrong on the server; it has been logged. Try again, and report it if it persists" },
          }),
        );
      } else res.destroy();
    });
});
server.listen(port, host, () => console.log(`listening on ${origin}`));

// SIGTERM from the stack: stop taking connections, let Next.js finish, exit.
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
