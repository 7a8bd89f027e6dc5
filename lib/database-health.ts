import pg from "pg";
import { getEnv } from "./env";

/** How long one answer of the probe is trusted: at most one probe a second, however many requests arrive. */
const FRESH_MS = 1000;

const state: { pool?: pg.Pool; checkedAt: number; isReachable: boolean; probe?: Promise<boolean>; downSince?: number } = { checkedAt: 0, isReachable: true };

async function probe(): Promise<boolean> {
  if (!state.pool) {
    state.pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 1, connectionTimeoutMillis: 1000, idleTimeoutMillis: 30_000 });
    // A broken idle connection (PostgreSQL restarted) is dropped by the pool; the next probe connects anew.
    state.pool.on("error", () => {});
  }
  try {
    await state.pool.query("SELECT 1");
    if (state.downSince !== undefined)
      console.log(`[zxcv] the database is reachable again (it was unreachable for ${Math.round((Date.now() - state.downSince) / 1000)} s)`);
    state.downSince = undefined;
    return true;
  } catch (error) {
    if (state.downSince === undefined) {
      state.downSince = Date.now();
      console.error(`[zxcv] the database is unreachable (${(error as Error).message}): pages and the API answer 503 until it is back`);
    }
    return false;
  }
}

/**
 * Whether PostgreSQL answers right now (asked at most once a second, concurrent callers share one probe), so the
 * server can answer "database unreachable" (503) instead of letting each page fail on its own. One log line when
 * the database goes away and one when it is back.
 */
export async function isDatabaseReachable(): Promise<boolean> {
  if (Date.now() - state.checkedAt < FRESH_MS) return state.isReachable;
  state.probe ??= probe().then((isReachable) => {
    Object.assign(state, { isReachable, checkedAt: Date.now(), probe: undefined });
    return isReachable;
  });
  return state.probe;
}
