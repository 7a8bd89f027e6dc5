// The dashboard under load on loopback (autocannon, 8 connections): the downloads page, the builds list (first and a
// deep page) and a build page, with 1,000 and then 100,000 builds in the database (seeded in bulk across several
// people, machines and profiles, bench/seed.ts), each against /sign-in measured just before it in the same run;
// EXPLAIN of each list's queries (bench/explain.ts); then the app's memory while it serves several 1 GiB ISO downloads at once (a sparse file: the bytes still cross the socket).
// Needs a running app (run-all.ts starts one).
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import autocannon, { type Options as AutocannonOptions } from "autocannon";
import pg from "pg";
import { explainLists } from "./explain";
import { seedBuilds, seedPeople, writeLogFile, writeSizeRecords, type Dashboard } from "./seed";
import { figure, timed, treeRssBytes, type Figure } from "./support";

const GROUP = "dashboard (loopback)";
export const SIZES = [1_000, 100_000] as const;
const ISO_BYTES = 1024 ** 3;

export type Load = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number; timeouts: number };

export async function load(url: string, headers: Record<string, string>, seconds: number, extra: Partial<AutocannonOptions> = {}): Promise<Load> {
  // A fixed `amount` of requests replaces the duration (autocannon refuses both).
  const result = await autocannon({ url, connections: 8, ...(extra.amount ? {} : { duration: seconds }), timeout: 30, headers, ...extra });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export const loadNote = (l: Load) =>
  `8 connections${l.non2xx || l.errors || l.timeouts ? `; ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts` : ""}`;

/** The three rows of a page under load, with its ratios against /sign-in's load of the same phase. */
export function loadRows(group: string, label: string, l: Load, signIn: Load): Figure[] {
  return [
    figure(group, `${label}: requests/s`, l.rps, "req/s", { baseline: { name: "/sign-in", value: signIn.rps }, note: loadNote(l) }),
    figure(group, `${label}: p99 latency`, l.p99, "ms", { baseline: { name: "/sign-in", value: signIn.p99 }, note: `p50 ${l.p50} ms` }),
  ];
}

/**
 * The server keeps rendering requests autocannon gave up on; the next measurement waits until the app answers
 * /sign-in quickly again, so one page's backlog is not charged to the next page.
 */
export async function drain(appUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { seconds } = await timed(async () => (await fetch(`${appUrl}/sign-in`)).arrayBuffer());
    if (seconds < 0.1 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A cursor into the middle of person 0's builds (or ISOs): a page as deep as a page can be. */
async function deepCursor(client: pg.Client, dashboard: Dashboard, field: "queuedAt" | "finishedAt") {
  const { encodeCursor } = await import("../lib/pagination");
  const middle = Math.floor(dashboard.builds / 8) * 4; // g % 4 == 0: person 0's, succeeded
  const { rows } = await client.query<{ id: string; at: Date }>(`SELECT id, "${field}" AS at FROM "Build" WHERE id = $1`, [
    `b${dashboard.tag}${String(middle).padStart(7, "0")}`,
  ]);
  return { cursor: encodeCursor({ at: rows[0]!.at, id: rows[0]!.id }), buildId: rows[0]!.id };
}

/** Several full downloads at once, sampling the app's resident memory (its whole process tree) every 100 ms. */
async function downloadsAtOnce(url: string, cookie: string, count: number, pid: number) {
  let peak = treeRssBytes(pid) ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssBytes(pid) ?? 0)), 100);
  const started = process.hrtime.bigint();
  try {
    const received = await Promise.all(
      Array.from({ length: count }, async () => {
        const response = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(120_000) });
        if (!response.ok || !response.body) throw new Error(`download answered HTTP ${response.status}`);
        let bytes = 0;
        const reader = response.body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
        return bytes;
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { peak, seconds, bytes: received.reduce((a, b) => a + b, 0) };
  } finally {
    clearInterval(sampler);
  }
}

export type SeededDashboard = { dashboard: Dashboard; client: pg.Client; cookie: string; actor: import("../lib/auth/actor").Actor };

/** People, profiles (1,000 revisions on person 0's first) and hosts; builds come in the phases of `benchDashboardLoad`. */
export async function seedDashboard(): Promise<SeededDashboard> {
  const { createSession, SESSION_COOKIE } = await import("../lib/auth/sessions");
  const { loadCatalog } = await import("../worker/engine/channels");
  const { canonicalizeSelection, defaultSelection, selectionHash } = await import("../contracts/selection");
  const selection = canonicalizeSelection(defaultSelection(loadCatalog("mini")));
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const dashboard = await seedPeople(client, { selection, configHash: selectionHash(selection), revisions: 1000 });
  const { token } = await createSession(dashboard.you.userId);
  const actor = { id: dashboard.you.userId, role: "MEMBER" as const, email: `bench-${dashboard.tag}-0@example.org`, name: "Bench person 0" };
  return { dashboard, client, cookie: `${SESSION_COOKIE}=${token}`, actor };
}

export async function benchDashboardLoad(options: {
  appUrl: string;
  appPid: number;
  artifactDir: string;
  seeded: SeededDashboard;
  seconds?: number;
  downloads?: number;
  log?: (s: string) => void;
}): Promise<{ figures: Figure[]; explain: string }> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 6;
  const downloads = options.downloads ?? 4;
  const { dashboard, client, cookie, actor } = options.seeded;
  const rows: Figure[] = [];
  const explains: string[] = [];
  for (const size of SIZES) {
    log(`dashboard: seeding up to ${size.toLocaleString("en-US")} builds`);
    const seeding = await timed(() => seedBuilds(client, dashboard, size, SIZES.at(-1)!));
    const group = `${GROUP}, ${size.toLocaleString("en-US")} builds`;
    rows.push(
      figure(
        group,
        `seeding builds ${(size === SIZES[0] ? 0 : SIZES[0]).toLocaleString("en-US")} to ${size.toLocaleString("en-US")} (bulk INSERT ... SELECT)`,
        seeding.seconds,
        "s",
        {
          note: "with their ISO and log rows, then VACUUM (ANALYZE)",
        },
      ),
    );
    const deepBuilds = await deepCursor(client, dashboard, "queuedAt");
    const deepIsos = await deepCursor(client, dashboard, "finishedAt");
    await writeLogFile(client, resolve(options.artifactDir), deepBuilds.buildId, 40_000);
    await writeSizeRecords(client, deepBuilds.buildId);
    const pages: [string, string][] = [
      ["/downloads", "/downloads"],
      ["/downloads, a page halfway down", `/downloads?after=${deepIsos.cursor}`],
      ["/builds", "/builds"],
      ["/builds, a page halfway down", `/builds?after=${deepBuilds.cursor}`],
      ["/builds/:id", `/builds/${deepBuilds.buildId}`],
    ];
    // One request each first: a redirect to /sign-in would measure the wrong page.
    for (const [name, path] of pages) {
      const r = await fetch(`${options.appUrl}${path}`, { headers: { cookie }, redirect: "manual" });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`GET ${name} answered ${r.status}: the benchmark would measure an error page`);
    }
    log(`dashboard: autocannon ${seconds} s each on /sign-in and ${pages.length} pages`);
    const signIn = await load(`${options.appUrl}/sign-in`, {}, seconds);
    await drain(options.appUrl);
    rows.push(figure(group, "/sign-in (baseline): requests/s", signIn.rps, "req/s", { note: loadNote(signIn) }));
    rows.push(figure(group, "/sign-in: p99 latency", signIn.p99, "ms", { note: `p50 ${signIn.p50} ms` }));
    for (const [name, path] of pages) {
      const l = await load(`${options.appUrl}${path}`, { cookie }, seconds);
      await drain(options.appUrl);
      rows.push(...loadRows(group, name, l, signIn));
    }
    const explained = await explainLists({ client, actor, buildId: deepBuilds.buildId, deep: { builds: deepBuilds.cursor, isos: deepIsos.cursor } });
    for (const list of explained.lists)
      rows.push(figure(group, `${list.name}: SQL queries`, list.queries.length, "n", { note: "per page, whatever its size" }));
    explains.push(`## ${size.toLocaleString("en-US")} builds in the database\n\n${explained.markdown}`);
  }

  // The one ISO that is downloaded for real: a sparse 1 GiB file under the first seeded build's storage key.
  const { rows: isoRows } = await client.query<{ id: string; storageKey: string }>(
    `SELECT id, "storageKey" FROM "Artifact" WHERE "buildId" = $1 AND kind = 'ISO'`,
    [`b${dashboard.tag}${"0".padStart(7, "0")}`],
  );
  const iso = isoRows[0]!;
  await client.query(`UPDATE "Artifact" SET "sizeBytes" = $1 WHERE id = $2`, [ISO_BYTES, iso.id]);
  const file = join(resolve(options.artifactDir), iso.storageKey);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
  truncateSync(file, ISO_BYTES);
  log(`dashboard: ${downloads} x 1 GiB downloads at once`);
  const before = treeRssBytes(options.appPid);
  const served = await downloadsAtOnce(`${options.appUrl}/api/artifacts/${iso.id}`, cookie, downloads, options.appPid);
  rows.push(
    figure(GROUP, `app memory (RSS) peak, ${downloads} x 1 GiB downloads at once`, served.peak, "B", {
      baseline: before ? { name: "before them", value: before } : undefined,
    }),
  );
  rows.push(
    figure(GROUP, `${downloads} x 1 GiB downloads: throughput`, served.bytes / served.seconds, "B/s", { note: `${served.seconds.toFixed(1)} s in all` }),
  );
  return { figures: rows, explain: explains.join("\n\n") };
}
