import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { reportRedisOutages } from "./redis";

// A private connection: rate limiting must fail fast rather than queue commands while Redis is away.
const globalForRedis = globalThis as unknown as { zxcvRateLimitRedis?: Redis };

function getRedis(): Redis {
  globalForRedis.zxcvRateLimitRedis ??= reportRedisOutages(
    new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false }),
  );
  return globalForRedis.zxcvRateLimitRedis;
}

/** For scripts and tests that end: closes the connection so that the process can exit. */
export function disconnectRateLimit(): void {
  globalForRedis.zxcvRateLimitRedis?.disconnect();
  globalForRedis.zxcvRateLimitRedis = undefined;
}

export type RateLimit = { limit: number; windowSeconds: number };

/** Sign-in attempts that did not succeed, per account from one address: past this that pair is refused for the window. */
export const SIGN_IN_LIMIT: RateLimit = { limit: 10, windowSeconds: 15 * 60 };
/** The same per address over all accounts (credential stuffing), higher because an office shares one address. */
export const SIGN_IN_ADDRESS_LIMIT: RateLimit = { limit: 100, windowSeconds: 15 * 60 };
/** Failed sign-ins per account are counted over this window; each one past the first few slows the next answer. */
export const SIGN_IN_ACCOUNT_WINDOW_SECONDS = 15 * 60;
/** Sign-up attempts (with a valid form) per client address. */
export const signUpLimit = (): RateLimit => ({ limit: getEnv().SIGN_UPS_PER_HOUR_PER_ADDRESS, windowSeconds: 60 * 60 });
/** Build requests per person. */
export const BUILD_LIMIT: RateLimit = { limit: 30, windowSeconds: 60 * 60 };

export type RateLimitResult = { allowed: boolean; count: number; remaining: number; retryAfterSeconds: number };

/** Keys never hold raw input (an email can be anything a client sends): a short hash of it, namespaced by scope. */
function redisKey(scope: string, key: string): string {
  return `zxcv:rl:${scope}:${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/**
 * Counts one hit against `key` in a fixed window (INCR + EXPIRE, atomic in a MULTI).
 * Keys are namespaced by `scope` so that sign-in and build counters never collide.
 */
export async function hitRateLimit({ scope, key, limit, windowSeconds }: { scope: string; key: string } & RateLimit): Promise<RateLimitResult> {
  const name = redisKey(scope, key);
  const results = await getRedis().multi().incr(name).expire(name, windowSeconds, "NX").ttl(name).exec();
  const count = Number(results?.[0]?.[1] ?? 0);
  const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
  return { allowed: count <= limit, count, remaining: Math.max(0, limit - count), retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
}

function tooMany(what: string, retryAfterSeconds: number): AppError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new AppError("RATE_LIMITED", `Too many ${what}: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, { retryAfterSeconds });
}

/** Logs and swallows a Redis failure: the limits are against abuse, not a correctness guarantee (fail open). */
function failOpen<T>(scope: string, fallback: T) {
  return (error: unknown): T => {
    if (error instanceof AppError) throw error;
    console.warn(`rate limit ${scope} not checked (Redis unavailable): ${(error as Error).message}`);
    return fallback;
  };
}

/**
 * Throws RATE_LIMITED with when to try again once `key` has used its window. Fails open: with Redis away,
 * people can still sign in and build.
 */
export async function enforceRateLimit(options: { scope: string; key: string; what: string } & RateLimit): Promise<void> {
  const result = await hitRateLimit(options).catch(failOpen(options.scope, null));
  if (result && !result.allowed) throw tooMany(options.what, result.retryAfterSeconds);
}

/** For the builds engineer's createBuild: at most BUILD_LIMIT build requests per person per hour. */
export async function enforceBuildRateLimit({ userId }: { userId: string }): Promise<void> {
  await enforceRateLimit({ scope: "build", key: userId, what: "builds requested", ...BUILD_LIMIT });
}

/** Before creating an account: at most SIGN_UPS_PER_HOUR_PER_ADDRESS per client address. */
export async function enforceSignUpRateLimit({ address }: { address: string }): Promise<void> {
  await enforceRateLimit({ scope: "sign-up", key: address, what: "sign-ups from your address", ...signUpLimit() });
}

/**
 * Before checking a password: counts the attempt (atomic INCRs, so attempts sent in parallel count too) against
 * the address, the account from that address, and the account. The first two refuse past their limits; the
 * account alone is never refused, but answers later the more recent failures it has (none for the first few,
 * then doubling up to 5 s): a flood of bad tries slows its sign-in down but cannot lock its owner out.
 */
export async function beginSignInAttempt({ email, address }: { email: string; address: string }): Promise<{ delayMs: number }> {
  const account = email.toLowerCase();
  for (const [scope, key, limit] of [
    ["sign-in-address", address, SIGN_IN_ADDRESS_LIMIT],
    ["sign-in", `${account}|${address}`, SIGN_IN_LIMIT],
  ] as const) {
    const result = await hitRateLimit({ scope, key, ...limit }).catch(failOpen("sign-in", null));
    if (result && !result.allowed) throw tooMany("sign-in attempts", result.retryAfterSeconds);
  }
  const byAccount = await hitRateLimit({ scope: "sign-in-account", key: account, limit: Infinity, windowSeconds: SIGN_IN_ACCOUNT_WINDOW_SECONDS }).catch(
    failOpen("sign-in", null),
  );
  return { delayMs: signInDelayMs((byAccount?.count ?? 1) - 1) };
}

/** The growing delay before answering for an account with `failures` recent failed sign-ins. */
export function signInDelayMs(failures: number): number {
  return failures < 3 ? 0 : Math.min(5_000, 250 * 2 ** (failures - 3));
}

/** After a successful sign-in: this attempt is taken back from the address, and the account's failures are forgotten. */
export async function endSignInAttemptWithSuccess({ email, address }: { email: string; address: string }): Promise<void> {
  const account = email.toLowerCase();
  await getRedis()
    .multi()
    .decr(redisKey("sign-in-address", address))
    .del(redisKey("sign-in", `${account}|${address}`))
    .del(redisKey("sign-in-account", account))
    .exec()
    .catch(() => undefined);
}
