import { z } from "zod";
import { AppError } from "../errors";
import { authenticateHost, type BuildHostRow } from "../hosts";
import { requireAttempt, type VerifiedAttemptBuild } from "../builds/host";
import { requireTestDriveSession } from "../testdrive/host";
import type { TestDriveRow } from "../testdrive";
import { bearerOf, handleRoute, type RequestParts } from "./handler";

export type HostApiContext<B> = RequestParts<B, undefined> & { bearer: string | undefined };

const invalidHostToken = () => new AppError("UNAUTHORIZED", "This host token is not valid: create one on the Build hosts page and set ZXCV_HOST_TOKEN");

/**
 * Build-host routes authenticated by the host token (created on the Hosts page, stored hashed). The token is
 * checked before the body is read: an unauthenticated request gets its 401 without the server reading it.
 */
export function withHost<B = undefined>(handler: (ctx: HostApiContext<B> & { host: BuildHostRow }) => Promise<unknown>, options: { body?: z.ZodType<B> } = {}) {
  return handleRoute<BuildHostRow, B, undefined>(
    async (request) => {
      const host = await authenticateHost(bearerOf(request));
      if (!host) throw invalidHostToken();
      return host;
    },
    (parts, host) => handler({ ...parts, bearer: bearerOf(parts.request), host }),
    options,
  );
}

/**
 * Routes of one build attempt, authenticated by that attempt's token before the body is read. The handler gets the
 * build row the token was checked for: the log and phase routes (one request per batch of lines, per phase) act on
 * it without asking again; completing, failing and uploads check again after their body, which may take long.
 */
export function withAttempt<B = undefined>(
  handler: (ctx: HostApiContext<B> & { buildId: string; attempt: number; build: VerifiedAttemptBuild }) => Promise<unknown>,
  options: { body?: z.ZodType<B> } = {},
) {
  return handleRoute<{ buildId: string; attempt: number; build: VerifiedAttemptBuild }, B, undefined>(
    async (request, params) => {
      const attempt = Number(params.attempt);
      if (!Number.isInteger(attempt) || attempt < 1) throw new AppError("BAD_REQUEST", "The attempt must be a positive integer");
      const build = await requireAttempt({ buildId: params.buildId!, attempt, token: bearerOf(request) });
      return { buildId: params.buildId!, attempt, build };
    },
    (parts, verified) => handler({ ...parts, bearer: bearerOf(parts.request), ...verified }),
    options,
  );
}

/** Routes of one test-drive session, authenticated by that session's token (lib/testdrive/host.ts) before the body is read. */
export function withTestDriveSession<B = undefined>(
  handler: (ctx: HostApiContext<B> & { session: TestDriveRow }) => Promise<unknown>,
  options: { body?: z.ZodType<B> } = {},
) {
  return handleRoute<TestDriveRow, B, undefined>(
    (request, params) => requireTestDriveSession({ sessionId: params.sessionId!, token: bearerOf(request) }),
    (parts, session) => handler({ ...parts, bearer: bearerOf(parts.request), session }),
    options,
  );
}
