import { randomBytes } from "node:crypto";
import path from "node:path";
import { checkDatabaseUrl, createDatabaseIfMissing, dropDatabase, startEmbeddedPostgres } from "./postgres";
import { checkRedisUrl, startPrivateRedis } from "./redis";
import { freePort } from "./ports";
import { say } from "./log";

/** Where the stack keeps its local data (embedded database, Redis, artifacts): ZXCV_STATE_DIR or .state. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  return env.ZXCV_STATE_DIR ?? ".state";
}

export type Services = { databaseUrl: string; redisUrl: string; stop: () => Promise<void> };

function portFrom(value: string | undefined, fallback: number): number {
  const port = Number(value ?? fallback);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : fallback;
}

/**
 * The local stack's PostgreSQL and Redis: the configured ones when DATABASE_URL / REDIS_URL are set,
 * otherwise an embedded PostgreSQL and a private redis-server with their data under .state/.
 */
export async function startStackServices(env: NodeJS.ProcessEnv): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn();
  };
  try {
    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      await checkDatabaseUrl(databaseUrl);
      say("using PostgreSQL from DATABASE_URL");
    } else {
      const dataDir = path.join(stateDir(env), "postgres");
      const pg = await startEmbeddedPostgres({
        dataDir,
        port: portFrom(env.ZXCV_PG_PORT, 54329),
        database: "zxcv",
        passwordFile: path.join(stateDir(env), "postgres.password"),
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      say(`embedded PostgreSQL started on 127.0.0.1:${portFrom(env.ZXCV_PG_PORT, 54329)} (data in ${dataDir})`);
    }
    let redisUrl = env.REDIS_URL;
    if (redisUrl) {
      await checkRedisUrl(redisUrl);
      say("using Redis from REDIS_URL");
    } else {
      const redis = await startPrivateRedis({ dir: path.join(stateDir(env), "redis"), port: portFrom(env.ZXCV_REDIS_PORT, 63790), persistent: true });
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    return { databaseUrl, redisUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Services for one test run: a fresh database (on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL) and always a private, throw-away redis-server, so tests may FLUSHALL without harm.
 */
export async function startTestServices(env: NodeJS.ProcessEnv): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    const dbName = `zxcv_test_${randomBytes(4).toString("hex")}`;
    let databaseUrl: string;
    if (env.DATABASE_URL) {
      await checkDatabaseUrl(env.DATABASE_URL);
      const url = new URL(env.DATABASE_URL);
      url.pathname = `/${dbName}`;
      databaseUrl = url.toString();
      await createDatabaseIfMissing(databaseUrl);
      stops.push(() => dropDatabase(databaseUrl));
      say(`tests use database ${dbName} on DATABASE_URL's server`);
    } else {
      const port = await freePort();
      // Test data is throw-away: a new cluster each run, whatever an earlier run or version left behind.
      const pg = await startEmbeddedPostgres({
        dataDir: ".state/test-postgres",
        port,
        database: dbName,
        passwordFile: ".state/test-postgres.password",
        fresh: true,
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      stops.push(() => dropDatabase(databaseUrl));
      say(`tests use database ${dbName} on an embedded PostgreSQL (port ${port})`);
    }
    const redis = await startPrivateRedis({ dir: ".state/test-redis", port: await freePort(), persistent: false });
    stops.push(redis.stop);
    return { databaseUrl, redisUrl: redis.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
