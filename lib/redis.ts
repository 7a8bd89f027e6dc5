import { Redis } from "ioredis";
import { reportRedisOutages } from "@/contracts/redis-outages";
import { getEnv } from "./env";

export { reportRedisOutages };

// Connections live on globalThis so Next.js dev reloads do not leak them.
const globalForRedis = globalThis as unknown as { zxcvRedis?: Redis };

/** The app's command connection: fails fast (one retry), so a request does not hang while Redis is down. */
export function getRedis(): Redis {
  globalForRedis.zxcvRedis ??= reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1 }));
  return globalForRedis.zxcvRedis;
}

/** A fresh connection for blocking reads (XREAD BLOCK holds it); the caller quits it. */
export function newBlockingRedis(): Redis {
  return reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1 }));
}
