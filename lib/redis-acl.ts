import type { Redis } from "ioredis";
import { buildQueueName } from "@/contracts/jobs";
import { getDb } from "./db";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { getRedis } from "./redis";

/**
 * Each build host has its own Redis ACL user: it may touch only the BullMQ keys of its arch's queue, no pub/sub
 * channel, and only the commands a BullMQ Worker sends (directly or from BullMQ's Lua scripts, which Redis checks
 * against the same ACL). The password is the host token itself, so the user is rebuilt from the stored sha256
 * (`#<hash>`) alone: no extra secret is stored, and a lost ACL (Redis restarted without its ACL file) comes back
 * at the next app start.
 */
export const HOST_REDIS_COMMANDS = [
  // Connection set-up by ioredis and BullMQ: ready check and version check (INFO), connection names.
  "auth",
  "hello",
  "ping",
  "info",
  "client|setname",
  "client|getname",
  "select",
  // BullMQ runs its scripts with EVALSHA, falling back to EVAL; the blocking wait is BZPOPMIN on the marker key.
  "evalsha",
  "eval",
  "bzpopmin",
  // What BullMQ 6.7's Lua scripts call (grep rcall in node_modules/bullmq/dist/esm/commands).
  "del",
  "exists",
  "get",
  "set",
  "incr",
  "incrby",
  "type",
  "time",
  "unlink",
  "rename",
  "pexpire",
  "pexpireat",
  "pttl",
  "hdel",
  "hexists",
  "hget",
  "hgetall",
  "hincrby",
  "hlen",
  "hmget",
  "hmset",
  "hset",
  "lindex",
  "llen",
  "lpop",
  "lpos",
  "lpush",
  "lrange",
  "lrem",
  "lset",
  "ltrim",
  "rpop",
  "rpoplpush",
  "rpush",
  "sadd",
  "scard",
  "sismember",
  "smembers",
  "srem",
  "xadd",
  "xdel",
  "xlen",
  "xrange",
  "xread",
  "xtrim",
  "zadd",
  "zcard",
  "zcount",
  "zlexcount",
  "zpopmin",
  "zrange",
  "zrangebylex",
  "zrangebyscore",
  "zrem",
  "zremrangebyrank",
  "zremrangebyscore",
  "zrevrange",
  "zrevrangebyscore",
  "zscore",
] as const;

/** The Redis user name of a host (by id: names are for people). */
export function hostRedisUser(hostId: string): string {
  return `zxcv-host-${hostId}`;
}

/** The key pattern a host may touch: its arch's BullMQ queue, under BullMQ's default prefix. */
export function hostKeyPattern(arch: string): string {
  return `bull:${buildQueueName(arch)}:*`;
}

function setUserArgs({ hostId, arch, tokenHash }: { hostId: string; arch: string; tokenHash: string }): string[] {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) throw new Error("a host token hash must be 64 hex digits");
  return [
    "SETUSER",
    hostRedisUser(hostId),
    "reset",
    "on",
    `#${tokenHash}`,
    `~${hostKeyPattern(arch)}`,
    "resetchannels",
    "-@all",
    ...HOST_REDIS_COMMANDS.map((command) => `+${command}`),
  ];
}

async function acl(redis: Redis, args: string[]): Promise<unknown> {
  try {
    return await redis.call("ACL", ...args);
  } catch (error) {
    const message = (error as Error).message;
    if (/NOPERM|unknown command|ERR unknown subcommand/i.test(message)) {
      throw new AppError(
        "UNAVAILABLE",
        `Redis refused ACL ${args[0]} (${message}): build hosts need their own Redis users, so the app's REDIS_URL must be a Redis 7 user with ACL rights (+acl, e.g. the default user)`,
      );
    }
    throw error;
  }
}

/** Keeps the ACL across Redis restarts when Redis has an ACL file (the private Redis of `npm start` does). */
async function saveAcl(redis: Redis): Promise<void> {
  await redis.call("ACL", "SAVE").catch(() => undefined);
}

/** Creates or replaces (rotates) a host's Redis user for its current token hash and arch. */
export async function setHostRedisUser(options: { hostId: string; arch: string; tokenHash: string }, redis: Redis = getRedis()): Promise<void> {
  await acl(redis, setUserArgs(options));
  await saveAcl(redis);
}

/** Deletes a host's Redis user and ends its connections (for revoking a host). */
export async function deleteHostRedisUser({ hostId }: { hostId: string }, redis: Redis = getRedis()): Promise<void> {
  await acl(redis, ["DELUSER", hostRedisUser(hostId)]);
  await saveAcl(redis);
}

/**
 * Every active host in the database gets its user back and every revoked one loses it. Users this database does not
 * know are left alone: a test stack or a second dashboard may share the Redis, and their hosts are theirs.
 */
export async function syncHostRedisUsers(redis: Redis = getRedis()): Promise<{ synced: number; removed: number }> {
  // A revoked host keeps its token hash (its next request must say it was revoked), never its Redis user.
  const hosts = await getDb().buildHost.findMany({ select: { id: true, arch: true, tokenHash: true, revokedAt: true } });
  const active = hosts.filter((h) => !h.revokedAt);
  for (const host of active) await acl(redis, setUserArgs({ hostId: host.id, arch: host.arch, tokenHash: host.tokenHash }));
  const users = new Set((await acl(redis, ["USERS"])) as string[]);
  const revoked = hosts.filter((h) => h.revokedAt && users.has(hostRedisUser(h.id))).map((h) => hostRedisUser(h.id));
  if (revoked.length) await acl(redis, ["DELUSER", ...revoked]);
  await saveAcl(redis);
  return { synced: active.length, removed: revoked.length };
}

/**
 * Keeps the hosts' users in Redis for the life of the app: synced now, and again each time the app's connection is
 * ready after a loss (a Redis restarted without its data, or without the ACL file, has forgotten them).
 */
export async function keepHostRedisUsersSynced(redis: Redis = getRedis()): Promise<void> {
  const sync = () => syncHostRedisUsers(redis).catch((error) => console.error(`[zxcv] build hosts' Redis users not synced: ${(error as Error).message}`));
  let wasLost = false;
  redis.on("close", () => (wasLost = true));
  redis.on("ready", () => {
    if (!wasLost) return;
    wasLost = false;
    void sync();
  });
  await sync();
}

/**
 * The REDIS_URL a host uses: the address hosts reach Redis at (HOSTS_REDIS_URL, else the app's REDIS_URL) with
 * the host's own user and token as credentials. Shown once, with the token.
 */
export function hostRedisUrl({ hostId, token }: { hostId: string; token: string }): string {
  const env = getEnv();
  const url = new URL(env.HOSTS_REDIS_URL ?? env.REDIS_URL);
  url.username = hostRedisUser(hostId);
  url.password = token;
  return url.toString();
}
