import { z } from "zod";
import { AppError } from "../errors";
import { authenticateHost, type BuildHostRow } from "../hosts";
import { errorResponse, jsonResponse, MAX_JSON_BODY_BYTES } from "./handler";

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type HostApiContext<B> = { request: Request; body: B; params: Record<string, string>; bearer: string | undefined };

function bearerOf(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "")?.[1];
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length > MAX_JSON_BODY_BYTES) throw new AppError("TOO_LARGE", "The request body is too large");
  try {
    return JSON.parse(text || "{}");
  } catch (error) {
    throw new AppError("BAD_REQUEST", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

function wrap<B>(handler: (ctx: HostApiContext<B>) => Promise<unknown>, body?: z.ZodType<B>) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const params = Object.fromEntries(Object.entries((await context?.params) ?? {}).map(([k, v]) => [k, String(v ?? "")]));
      let parsed = undefined as B;
      if (body) {
        const result = body.safeParse(await readJson(request));
        if (!result.success) throw new AppError("BAD_REQUEST", `Invalid body: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
        parsed = result.data;
      }
      const result = await handler({ request, body: parsed, params, bearer: bearerOf(request) });
      return result instanceof Response ? result : jsonResponse(result ?? { ok: true });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Build-host routes authenticated by the host token (created on the Hosts page, stored hashed). */
export function withHost<B = undefined>(handler: (ctx: HostApiContext<B> & { host: BuildHostRow }) => Promise<unknown>, options: { body?: z.ZodType<B> } = {}) {
  return wrap<B>(async (ctx) => {
    const host = await authenticateHost(ctx.bearer);
    if (!host) throw new AppError("UNAUTHORIZED", "This host token is not valid: create one on the Build hosts page and set ZXCV_HOST_TOKEN");
    return handler({ ...ctx, host });
  }, options.body);
}

/** Routes of one build attempt, authenticated (in the data layer) by that attempt's token. */
export function withAttempt<B = undefined>(handler: (ctx: HostApiContext<B> & { buildId: string; attempt: number }) => Promise<unknown>, options: { body?: z.ZodType<B> } = {}) {
  return wrap<B>(async (ctx) => {
    const attempt = Number(ctx.params.attempt);
    if (!Number.isInteger(attempt) || attempt < 1) throw new AppError("BAD_REQUEST", "The attempt must be a positive integer");
    return handler({ ...ctx, buildId: ctx.params.buildId!, attempt });
  }, options.body);
}
