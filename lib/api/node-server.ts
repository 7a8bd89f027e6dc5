import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { getEnv } from "../env";
import { API_CONTENT_SECURITY_POLICY, securityHeaders } from "../security-headers";

/**
 * What the production server answers in front of Next.js (artifact downloads, live logs) shares with Next.js's
 * own API responses: the security headers next.config.ts puts on every API route, which Next.js never sees here.
 */
export function apiHeaders(): Record<string, string> {
  return { ...securityHeaders({ appUrl: getEnv().APP_URL }), "content-security-policy": API_CONTENT_SECURITY_POLICY };
}

/**
 * A Node.js request as a web Request, headers and all; its body is streamed (`withBody`, for a route handler that
 * reads it) and `signal` aborts it when the client hangs up.
 */
export function webRequestOf(req: IncomingMessage, url: URL, options: { withBody?: boolean; signal?: AbortSignal } = {}): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = options.withBody && req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: options.signal,
    duplex: "half",
  } as RequestInit);
}

/** Writes a buffered web Response (an API error, mostly) to a Node.js response, with its length and the API's headers. */
export async function writeWebResponse(res: ServerResponse, response: Response, isHead: boolean): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(apiHeaders())) res.setHeader(name, value);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  const body = isHead ? "" : Buffer.from(await response.arrayBuffer());
  res.setHeader("content-length", String(body.length));
  res.end(body);
}
