import type { NextConfig } from "next";

const config: NextConfig = {
  poweredByHeader: false,
  // The Prisma client, pg and BullMQ are server-only Node packages: load them at run time, don't bundle them.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@node-rs/argon2"],
  typedRoutes: false,
  // next build checks the app's own code; `npm run typecheck` (part of npm test) checks the whole repo.
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default config;
