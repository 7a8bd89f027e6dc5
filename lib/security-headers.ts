/**
 * The Content-Security-Policy of every response: scripts only from this origin and with this request's nonce
 * (Next.js puts it on its own inline scripts; 'strict-dynamic' lets those load the app's chunks), nothing framed
 * or framing, forms and connections to this origin only. Styles may be inline (React style attributes).
 */
export function contentSecurityPolicy({ nonce, isDev }: { nonce: string; isDev: boolean }): string {
  return [
    "default-src 'self'",
    // Next.js dev mode (React's call stacks) needs eval; a production build does not.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** API responses (JSON, logs, ISOs) are never pages: they may run, embed and be embedded in nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers for every response besides the CSP; HSTS only when the app is served over https. */
export function securityHeaders({ appUrl }: { appUrl: string }): Record<string, string> {
  const headers: Record<string, string> = {
    // Logs are served as text/plain inline: without this a browser might sniff them as HTML.
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
  };
  if (appUrl.startsWith("https://")) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}
