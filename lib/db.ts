import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { getEnv } from "./env";

// One client per process; Next.js dev reloads modules, so keep it on globalThis.
const globalForDb = globalThis as unknown as { zxcvPrisma?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.zxcvPrisma ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: getEnv().DATABASE_URL }) });
  return globalForDb.zxcvPrisma;
}

export type Db = PrismaClient;
