import { cookies } from "next/headers";
import { z } from "zod";
import type { Actor } from "../auth/actor";
import { findSessionActor, SESSION_COOKIE } from "../auth/sessions";
import { findApiTokenActorOrThrow } from "../api-tokens";
import { requireSameOrigin } from "../auth/same-origin";
import { AppError, isAppError, outageErrorOf } from "../errors";

/** Request bodies larger than this are refused while reading: every JSON body is small but a profile's files (1 MB, base64). */
export const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
export type Route = (request: Request, context?: RouteContext) => Promise<Response>;

/** What a route reads from its request besides params: a JSON body, a text body, a query. */
export type BodyOptions<B, Q = undefined> = {
  /** Validates a JSON body (use strict objects: unknown fields are refused). */
  body?: z.ZodType<B>;
  /** Reads the body as text/plain up to `maxBytes` instead of JSON. */
  text?: { maxBytes: number };
  query?: z.ZodType<Q>;
};

export type RequestParts<B, Q> = { request: Request; body: B; query: Q; params: Record<string, string> };

/**
 * The one request core of every API route: route params, then `authenticate` (before a byte of the body is
 * read, so an anonymous client cannot make the server read a large body), then the body (capped) and query
 * validated with zod; the handler's result becomes JSON, and every error `{ error: { code, message } }`.
 */
export function handleRoute<A, B, Q>(
  authenticate: (request: Request, params: Record<string, string>) => Promise<A>,
  handler: (parts: RequestParts<B, Q>, auth: A) => Promise<Response | unknown>,
  options: BodyOptions<B, Q> = {},
): Route {
  return async (request, context) => {
    try {
      const params = Object.fromEntries(
        Object.entries((await context?.params) ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value.join("/") : (value ?? "")]),
      );
      const auth = await authenticate(request, params);
      const query = options.query ? parseOrThrow(options.query, Object.fromEntries(new URL(request.url).searchParams), "query") : (undefined as Q);
      let body = undefined as B;
      if (options.body) body = parseOrThrow(options.body, await readJsonBody(request), "body");
      else if (options.text) body = (await readTextBody(request, options.text.maxBytes)) as B;
      const result = await handler({ request, body, query, params }, auth);
      return result instanceof Response ? result : jsonResponse(result ?? { ok: true });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export type ApiContext<B, Q> = RequestParts<B, Q> & { actor: Actor };

/**
 * Routes for people and scripts: the actor from a Bearer API token, else from the session cookie (then a
 * state-changing request must come from the app's own pages: see `requireSameOrigin`).
 */
export function withActor<B = undefined, Q = undefined>(
  handler: (ctx: ApiContext<B, Q>) => Promise<Response | unknown>,
  options: BodyOptions<B, Q> = {},
): Route {
  return handleRoute(resolveActor, (parts, actor) => handler({ ...parts, actor }), options);
}

/** The bearer token of a request, if it has a well-formed Authorization header. */
export function bearerOf(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "")?.[1];
}

async function resolveActor(request: Request): Promise<Actor> {
  if (request.headers.get("authorization")) {
    const token = bearerOf(request);
    if (!token) throw new AppError("UNAUTHORIZED", 'The Authorization header must be "Bearer <token>"');
    return findApiTokenActorOrThrow(token);
  }
  const actor = await findSessionActor(await sessionCookieOf(request));
  if (!actor)
    throw new AppError("UNAUTHORIZED", 'Sign in, or send a personal API token as "Authorization: Bearer zxcv_..." (create one under Settings > API tokens)');
  requireSameOrigin(request);
  return actor;
}

/** Whether the actor of this request signed in with an API token rather than a browser session. */
export function isTokenRequest(request: Request): boolean {
  return Boolean(request.headers.get("authorization"));
}

async function sessionCookieOf(request: Request): Promise<string | undefined> {
  try {
    return (await cookies()).get(SESSION_COOKIE)?.value;
  } catch {
    // Outside a Next.js request (tests calling a handler directly): read the header.
    const header = request.headers.get("cookie") ?? "";
    const pair = header.split(/;\s*/).find((part) => part.startsWith(`${SESSION_COOKIE}=`));
    return pair ? decodeURIComponent(pair.slice(SESSION_COOKIE.length + 1)) : undefined;
  }
}

async function readBodyBytes(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () => new AppError("TOO_LARGE", `The request body is larger than ${Math.round(maxBytes / 1024)} KB`);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError(
      "BAD_REQUEST",
      `Send the body as JSON with "Content-Type: application/json" (got ${type ? `"${type.slice(0, 60)}"` : "no Content-Type"})`,
    );
  }
  const bytes = await readBodyBytes(request, MAX_JSON_BODY_BYTES);
  if (bytes.length === 0) throw new AppError("BAD_REQUEST", "The request needs a JSON body");
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new AppError("BAD_REQUEST", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

async function readTextBody(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyBytes(request, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not UTF-8 text");
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: "body" | "query"): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => describeIssue(issue, where));
  throw new AppError("BAD_REQUEST", `Invalid ${where}: ${issues.join("; ")}`, { issues });
}

function describeIssue(issue: z.core.$ZodIssue, where: string): string {
  const path = [where, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${path}: ${issue.message}`;
}

/** JSON with BigInt sizes as numbers (an ISO is far below 2^53 bytes). */
export function jsonResponse(data: unknown, status = 200, headers?: HeadersInit): Response {
  const body = JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? Number(value) : value));
  return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** Serialises `data` the way it goes over the wire, then keeps only what `schema` documents. */
export function toWire<T>(schema: z.ZodType<T>, data: unknown): T {
  const wire = JSON.parse(JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? Number(value) : value)));
  return schema.parse(wire);
}

export function errorResponse(thrown: unknown): Response {
  // A database or Redis outage is a 503 that says so, not a 500.
  const error = outageErrorOf(thrown) ?? thrown;
  if (isAppError(error)) {
    const headers: Record<string, string> = {};
    const retryAfter = error.details?.retryAfterSeconds;
    if ((error.code === "RATE_LIMITED" || error.code === "UNAVAILABLE") && typeof retryAfter === "number") headers["retry-after"] = String(retryAfter);
    if (error.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="zxcv"';
    const payload: { code: string; message: string; details?: Record<string, unknown> } = { code: error.code, message: error.message };
    if (error.details) payload.details = error.details;
    return jsonResponse({ error: payload }, error.status, headers);
  }
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((issue) => describeIssue(issue, "input"));
    return jsonResponse({ error: { code: "BAD_REQUEST", message: `Invalid input: ${issues.join("; ")}`, details: { issues } } }, 400);
  }
  console.error("Unhandled error in API route:", error);
  return jsonResponse(
    { error: { code: "INTERNAL", message: "Something went wrong on the server; it has been logged. Try again, and report it if it persists" } },
    500,
  );
}
