import assert from "node:assert/strict";
import { test } from "node:test";
import { contentSecurityPolicy, securityHeaders } from "./security-headers";

test("the page CSP allows scripts only with the request's nonce, and no eval outside dev mode", () => {
  const csp = contentSecurityPolicy({ nonce: "abc123", isDev: false });
  assert.match(csp, /script-src 'self' 'nonce-abc123' 'strict-dynamic';/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(contentSecurityPolicy({ nonce: "x", isDev: true }), /'unsafe-eval'/);
});

test("HSTS only when the app is served over https", () => {
  assert.equal(securityHeaders({ appUrl: "http://127.0.0.1:3000" })["strict-transport-security"], undefined);
  assert.match(securityHeaders({ appUrl: "https://composer.example.org" })["strict-transport-security"]!, /max-age=31536000/);
  assert.equal(securityHeaders({ appUrl: "http://x" })["x-content-type-options"], "nosniff");
});
