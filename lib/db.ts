import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "@/generated/prisma/client";
import { getEnv } from "./env";

// One pool and one client per process; Next.js dev reloads modules, so keep them on globalThis.
const globalForDb = globalThis as unknown as { zxcvPrisma?: PrismaClient; zxcvPool?: pg.Pool };

/** The process's PostgreSQL connections: Prisma's queries and `queryRows`' share them. */
export function getPool(): pg.Pool {
  if (!globalForDb.zxcvPool) {
    // Idle connections do not keep a script or test alive (the app's server does that).
    const pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, allowExitOnIdle: true });
    // An idle connection PostgreSQL closed (a restart, an outage) is dropped by the pool, and the next query opens
    // another or fails saying why. Unheard, that error would end the process: Prisma's own listener is there only
    // between its first query and `$disconnect`.
    pool.on("error", () => undefined);
    globalForDb.zxcvPool = pool;
  }
  return globalForDb.zxcvPool;
}

export function getDb(): PrismaClient {
  globalForDb.zxcvPrisma ??= new PrismaClient({ adapter: new PrismaPg(getPool()) });
  return globalForDb.zxcvPrisma;
}

export type Db = PrismaClient;

/** Columns as Prisma's `$queryRaw` gives them: BigInt for int8, and the schema's timestamps (UTC, without a zone) as Dates. */
const PARSERS: Partial<Record<number, (value: string) => unknown>> = {
  [pg.types.builtins.INT8]: (value) => BigInt(value),
  [pg.types.builtins.TIMESTAMP]: (value) => new Date(`${value.replace(" ", "T")}Z`),
};
const types = { getTypeParser: (oid: number, format?: "text" | "binary") => PARSERS[oid] ?? pg.types.getTypeParser(oid, format) };

/**
 * A read on the hot paths (every page's session, the build page, the lists, the host API): a `Prisma.sql` query
 * run on the pool without Prisma's query compiler, which costs several times the query (1 ms of CPU for one build
 * row against 0.2 ms; docs/benchmarks.md). Rows come typed as `$queryRaw` types them (test/integration/build-detail.test.ts);
 * Dates go as UTC instants, as Prisma sends them.
 */
export async function queryRows<T>(query: Prisma.Sql): Promise<T[]> {
  return rowsOn(getPool(), query);
}

/** `queryRows` inside one transaction (`inTransaction`). */
export type QueryRows = <T>(query: Prisma.Sql) => Promise<T[]>;

/**
 * A transaction of `queryRows` statements on one pooled connection, for a hot write (the Build click's) that
 * Prisma's interactive transaction would cost several times over. Committed when `work` returns,
 * rolled back when it throws (the error goes on); a connection whose rollback failed is closed, not reused.
 */
export async function inTransaction<T>(work: (sql: QueryRows) => Promise<T>): Promise<T> {
  const client = await getPool().connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work((query) => rowsOn(client, query));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

async function rowsOn<T>(on: pg.Pool | pg.PoolClient, query: Prisma.Sql): Promise<T[]> {
  const values = query.values.map((value) => (value instanceof Date ? value.toISOString() : value));
  const result = await on.query({ text: query.text, values, types });
  return result.rows as T[];
}

let idCounter = 0;

/**
 * A row id for an INSERT written in SQL, in the form Prisma's `@default(cuid())` gives (25 characters: "c", the
 * time, a counter, the process, randomness), so ids sort and look the same whoever made the row.
 */
export function newRowId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  const pad = (value: string, length: number) => value.padStart(length, "0").slice(-length);
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`).toString(36);
  return `c${pad(Date.now().toString(36), 8)}${pad(idCounter.toString(36), 4)}${pad(process.pid.toString(36), 4)}${pad(random, 8)}`;
}
