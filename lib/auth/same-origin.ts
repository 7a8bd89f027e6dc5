import { getEnv } from "../env";
import { AppError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * A state-changing request that a session cookie authenticates must come from the app's own pages: its Origin
 * (or, without one, its Referer) must be APP_URL's origin. SameSite=Lax alone lets sibling sites and top-level
 * form posts through. Requests with an API token carry no ambient credential and are not checked.
 */
export function requireSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const appOrigin = new URL(getEnv().APP_URL).origin;
  const origin = request.headers.get("origin");
  const from = origin && origin !== "null" ? origin : originOf(request.headers.get("referer"));
  if (from === appOrigin) return;
  throw new AppError(
    "FORBIDDEN",
    from
      ? `Cross-origin request refused: a change signed in by cookie must come from this dashboard's pages (${appOrigin}), not ${from}. Scripts should send an API token instead; if ${from} is this dashboard's address, set APP_URL to it`
      : `Request refused: a change signed in by cookie must say where it comes from (an Origin or Referer header of ${appOrigin}). Scripts should send an API token instead`,
  );
}
