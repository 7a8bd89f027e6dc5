import type { Redis } from "ioredis";

// Shared by the app and the build hosts (worker/ may import only worker/ and contracts/). Type-only import: nothing
// of ioredis reaches a browser bundle.

// One outage state per process, on globalThis so Next.js dev reloads share it.
const globalForOutages = globalThis as unknown as { zxcvRedisDown?: { clients: Set<Redis>; since?: number } };

/**
 * Handles the `error` event of an ioredis client (unhandled, ioredis prints "[ioredis] Unhandled error event"
 * on every reconnect attempt) and logs one line when Redis goes away and one when every client of this process is
 * connected again. Every ioredis client the app or a build host creates goes through here. Returns the client.
 */
export function reportRedisOutages<T extends Redis>(client: T, log: (line: string) => void = (line) => console.error(`[zxcv] ${line}`)): T {
  const down = (globalForOutages.zxcvRedisDown ??= { clients: new Set() });
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
