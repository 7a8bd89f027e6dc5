import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy } from "@/lib/security-headers";

/**
 * Runs before every page request: a fresh CSP nonce (Next.js reads it from the request's CSP header and puts it
 * on its inline scripts) and the page's CSP. The other security headers come from next.config.ts.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy({ nonce, isDev: getEnv().NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Not API routes: Next.js buffers the body of every request the proxy sees (up to 10 MB), which an ISO upload
  // or an unauthenticated 1 GB body must not get; their headers come from next.config.ts. Not static files either.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico).*)" }],
};
