// EXPLAIN ANALYZE of the SQL each list page really runs: the app's own list functions are called in this process
// through a Prisma client that records every query, then each recorded query is explained with its parameters.
import pg from "pg";
import type { Actor } from "../lib/auth/actor";

type Query = { sql: string; params: unknown[] };
export type ExplainedList = { name: string; queries: Query[]; plans: string[] };

/**
 * Installs (once) a query-recording pool and Prisma client on it as the ones `getPool()` and `getDb()` return in this
 * process: Prisma's queries are recorded from its query events, `queryRows`' from the pool.
 */
async function recordingDb(): Promise<{ take: () => Query[] }> {
  const holder = globalThis as unknown as { zxcvPrisma?: unknown; zxcvPool?: pg.Pool; zxcvBenchQueries?: Query[] };
  if (!holder.zxcvBenchQueries) {
    const { PrismaClient } = await import("../generated/prisma/client");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const recorded: Query[] = [];
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
    // Prisma's adapter runs its own queries on the pool too (rows as arrays): those are recorded from its events.
    pool.query = ((config: pg.QueryConfig & { rowMode?: string }) => {
      if (config.rowMode !== "array") recorded.push({ sql: config.text, params: config.values ?? [] });
      return query(config);
    }) as typeof pool.query;
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
    prisma.$on("query", (e) => recorded.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] }));
    holder.zxcvPool = pool;
    holder.zxcvPrisma = prisma;
    holder.zxcvBenchQueries = recorded;
  }
  const recorded = holder.zxcvBenchQueries;
  return { take: () => recorded.splice(0, recorded.length) };
}

async function explain(client: pg.Client, query: Query): Promise<string> {
  const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${query.sql}`, query.params);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** The downloads page, the builds list (first and a deep page), a build page with its size panel and the REST builds list: their queries and plans, as Markdown. */
export async function explainLists({
  client,
  actor,
  buildId,
  deep,
}: {
  client: pg.Client;
  actor: Actor;
  buildId: string;
  deep: { builds: string; isos: string };
}): Promise<{ lists: ExplainedList[]; markdown: string }> {
  const db = await recordingDb();
  const { listDownloads } = await import("../lib/artifacts/downloads");
  const { listBuildRows, listBuilds, getBuildOrThrow } = await import("../lib/builds/queries");
  const { getBuildSizePanel } = await import("../lib/builds/sizes");
  const calls: [string, () => Promise<unknown>][] = [
    ["/downloads", () => listDownloads({ actor })],
    ["/downloads, a page halfway down", () => listDownloads({ actor, after: deep.isos })],
    ["/builds", () => listBuildRows({ actor })],
    ["/builds, a page halfway down", () => listBuildRows({ actor, after: deep.builds })],
    // The build and its size panel (the page reads both; the log is a file).
    ["/builds/:id", () => Promise.all([getBuildOrThrow({ actor, buildId }), getBuildSizePanel({ actor, buildId })])],
    ["GET /api/v1/builds, a page halfway down", () => listBuilds({ actor, after: deep.builds })],
  ];
  const lists: ExplainedList[] = [];
  db.take();
  for (const [name, call] of calls) {
    await call();
    const queries = db.take();
    const plans: string[] = [];
    for (const query of queries) plans.push(await explain(client, query));
    lists.push({ name, queries, plans });
  }
  const markdown = lists
    .map(
      (list) =>
        `### ${list.name}: ${list.queries.length} queries\n\n` +
        list.queries
          .map((q, i) => `\`\`\`sql\n${q.sql}\n\`\`\`\n\nparameters: \`${JSON.stringify(q.params).slice(0, 300)}\`\n\n\`\`\`\n${list.plans[i]}\n\`\`\``)
          .join("\n\n"),
    )
    .join("\n\n");
  return { lists, markdown };
}
