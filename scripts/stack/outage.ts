import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseReachable } from "@/lib/database-health";
import { OUTAGE_RETRY_AFTER_SECONDS, outageErrorOf } from "@/lib/errors";

const MESSAGE = outageErrorOf({ code: "P1001" })!.message;

/** A page that says what is wrong and reloads itself, so the dashboard comes back on its own with the database. */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${OUTAGE_RETRY_AFTER_SECONDS}"><title>Database unreachable - ZXCV Composer</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>The database is unreachable</h1><p>${MESSAGE}.</p><p>This page reloads itself every ${OUTAGE_RETRY_AFTER_SECONDS} seconds and shows the dashboard again as soon as PostgreSQL answers. If it stays like this, check that PostgreSQL is running (see the README's troubleshooting section).</p></body></html>\n`;

/**
 * While PostgreSQL is unreachable, answers every page and API request with 503 and Retry-After (HTML for
 * browsers, the API's JSON error otherwise) instead of letting each fail as a 500. Static assets still load.
 */
export async function answerDuringOutage(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "/";
  // The page links the icon with its hash as the query (/favicon.ico?favicon.<hash>.ico).
  if (url.startsWith("/_next/") || url.split("?")[0] === "/favicon.ico" || (await isDatabaseReachable())) return false;
  const wantsHtml = !url.startsWith("/api/") && (req.headers.accept ?? "").includes("text/html");
  const body = wantsHtml ? PAGE : `${JSON.stringify({ error: { code: "UNAVAILABLE", message: MESSAGE } })}\n`;
  res.writeHead(503, {
    "content-type": wantsHtml ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "retry-after": String(OUTAGE_RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
