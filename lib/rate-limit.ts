import { Redis } from "ioredis";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { reportRedisOutages } from "./redis";

// A private connection: rate limiting must fail fast rather than queue commands while Redis is away.
const globalForRedis = globalThis as unknown as { zxcvRateLimitRedis?: Redis };

function getRedis(): Redis {
  globalForRedis.zxcvRateLimitRedis ??= reportRedisOutages(new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false }));
  return globalForRedis.zxcvRateLimitRedis;
}

/** For scripts and tests that end: closes the connection so that the process can exit. */
export function disconnectRateLimit(): void {
  globalForRedis.zxcvRateLimitRedis?.disconnect();
  globalForRedis.zxcvRateLimitRedis = undefined;
}

export type RateLimit = { limit: number; windowSeconds: number };

/** Sign-in attempts per email and client address. */
export const SIGN_IN_LIMIT: RateLimit = { limit: 10, windowSeconds: 15 * 60 };
/** Build requests per person. */
export const BUILD_LIMIT: RateLimit = { limit: 30, windowSeconds: 60 * 60 };

export type RateLimitResult = { allowed: boolean; remaining: number; retryAfterSeconds: number };

/**
 * Counts one hit against `key` in a fixed window (INCR + EXPIRE, atomic in a MULTI).
 * Keys are namespaced by `scope` so that sign-in and build counters never collide.
 */
export async function hitRateLimit({ scope, key, limit, windowSeconds }: { scope: string; key: string } & RateLimit): Promise<RateLimitResult> {
  const redisKey = `zxcv:rl:${scope}:${key}`;
  const results = await getRedis().multi().incr(redisKey).expire(redisKey, windowSeconds, "NX").ttl(redisKey).exec();
  const count = Number(results?.[0]?.[1] ?? 0);
  const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
}

/**
 * Throws RATE_LIMITED with when to try again once `key` has used its window. Fails open: with Redis away,
 * people can still sign in and build (the limits are against abuse, not a correctness guarantee).
 */
export async function enforceRateLimit(options: { scope: string; key: string; what: string } & RateLimit): Promise<void> {
  let result: RateLimitResult;
  try {
    result = await hitRateLimit(options);
  } catch (error) {
    console.warn(`rate limit ${options.scope} not checked (Redis unavailable): ${(error as Error).message}`);
    return;
  }
  if (!result.allowed) {
    const minutes = Math.ceil(result.retryAfterSeconds / 60);
    throw new AppError("RATE_LIMITED", `Too many ${options.what}: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}

/** Forgets the counter, e.g. after a successful sign-in. */
export async function resetRateLimit({ scope, key }: { scope: string; key: string }): Promise<void> {
  await getRedis()
    .del(`zxcv:rl:${scope}:${key}`)
    .catch(() => undefined);
}

export async function resetRateLimitForSignIn({ email, ip }: { email: string; ip: string }): Promise<void> {
  await resetRateLimit({ scope: "sign-in", key: `${email.toLowerCase()}|${ip}` });
}

/** For the builds engineer's createBuild: at most BUILD_LIMIT build requests per person per hour. */
export async function enforceBuildRateLimit({ userId }: { userId: string }): Promise<void> {
  await enforceRateLimit({ scope: "build", key: userId, what: "builds requested", ...BUILD_LIMIT });
}

/** Before checking a password: at most SIGN_IN_LIMIT attempts per email and address. */
export async function enforceSignInRateLimit({ email, ip }: { email: string; ip: string }): Promise<void> {
  await enforceRateLimit({ scope: "sign-in", key: `${email.toLowerCase()}|${ip}`, what: "sign-in attempts", ...SIGN_IN_LIMIT });
  // The address comes from X-Forwarded-For, which a client can vary: cap each email across all addresses too.
  await enforceRateLimit({ scope: "sign-in-email", key: email.toLowerCase(), what: "sign-in attempts for this account", limit: SIGN_IN_LIMIT.limit * 5, windowSeconds: SIGN_IN_LIMIT.windowSeconds });
}
