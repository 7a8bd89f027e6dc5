import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, securityHeaders } from "./lib/security-headers";

const config: NextConfig = {
  poweredByHeader: false,
  // The Prisma client, pg and BullMQ are server-only Node packages: load them at run time, don't bundle them.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@node-rs/argon2"],
  typedRoutes: false,
  // A profile's files are up to 1 MB (base64 in the saved selection): a save is larger than Next's 1 MB default.
  experimental: { serverActions: { bodySizeLimit: "2mb" } },
  // next build checks the app's own code; `npm run typecheck` (part of npm test) checks the whole repo.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Security headers on every response (read when the app is built: HSTS follows the APP_URL of `next build`).
  // Pages get their CSP, with a per-request nonce, from proxy.ts; API routes skip the proxy (it would buffer
  // request bodies) and get a fixed, stricter one here.
  async headers() {
    const fixed = Object.entries(securityHeaders({ appUrl: process.env.APP_URL ?? "" })).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: fixed },
      { source: "/api/:path*", headers: [{ key: "content-security-policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default config;
