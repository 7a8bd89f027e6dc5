import { Redis } from "ioredis";
import { getEnv } from "./env";

// Connections live on globalThis so Next.js dev reloads do not leak them.
const globalForRedis = globalThis as unknown as { zxcvRedis?: Redis; zxcvRedisDown?: { clients: Set<Redis>; since?: number } };

/**
 * Handles the `error` event of an ioredis client (unhandled, ioredis prints "[ioredis] Unhandled error event"
 * on every reconnect attempt) and logs one line when Redis goes away and one when every client of this process is
 * connected again. Every ioredis client the app or a build host creates goes through here. Returns the client.
 */
export function reportRedisOutages<T extends Redis>(client: T, log: (line: string) => void = (line) => console.error(`[zxcv] ${line}`)): T {
  const down = (globalForRedis.zxcvRedisDown ??= { clients: new Set() });
  client.on("error", (error: Error & { code?: string }) => {
    if (down.clients.has(client)) return;
    down.clients.add(client);
    if (down.since !== undefined) return;
    down.since = Date.now();
    log(`Redis is unreachable (${error.code ?? error.message}); retrying in the background`);
  });
  client.on("ready", () => {
    if (!down.clients.delete(client) || down.clients.size > 0 || down.since === undefined) return;
    log(`Redis is reachable again (it was unreachable for ${Math.round((Date.now() - down.since) / 1000)} s)`);
    down.since = undefined;
  });
  return client;
}

/** The app's command connection: fails fast (one retry), so a request does not hang while Redis is down. */
export function getRedis(): Redis {
  globalForRedis.zxcvRedis ??= reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1 }));
  return globalForRedis.zxcvRedis;
}

/** A fresh connection for blocking reads (XREAD BLOCK holds it); the caller quits it. */
export function newBlockingRedis(): Redis {
  return reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1 }));
}
