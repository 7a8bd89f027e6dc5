import type { NextConfig } from "next";

const config: NextConfig = {
  poweredByHeader: false,
  // The Prisma client, pg and BullMQ are server-only Node packages: load them at run time, don't bundle them.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "bullmq", "ioredis", "@node-rs/argon2"],
  typedRoutes: false,
};

export default config;
