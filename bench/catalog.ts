// The generated catalog (issue 14): packages offered and left out, how long `npm run pin:mini` takes to generate it
// (--dry-run: nothing written), ranked search latency p50/p99 over 100 queries against PostgreSQL (after one warm-up
// query; the first one, which reads the dependency graph, is printed too), the configurator page's weight (HTML plus
// its scripts and styles, gzip'd, with a 25-package profile) when an app is running, and what a cold build host (empty
// .deb cache, empty store) fetches for a 25-package selection: time, bytes, and the packages' own share.
// Run by run-all.ts; alone: DATABASE_URL=... REDIS_URL=... [APP_URL=...] npx tsx bench/catalog.ts
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { figure, type Figure } from "./support";

const GROUP = "catalog (mini, Debian archive)";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** 100 queries: the 25 picked packages' names, their first description words, prefixes, and words of no package. */
function queries(catalog: { packages: { id: string; description: string }[] }, picked: string[]): string[] {
  const byId = new Map(catalog.packages.map((p) => [p.id, p]));
  const out: string[] = [];
  for (const id of picked) out.push(id, id.slice(0, 3), byId.get(id)!.description.split(" ").slice(0, 2).join(" "), `${id}zz`);
  return out.slice(0, 100);
}

async function pageWeight(appUrl: string, packages: string[]): Promise<number> {
  const { createUser, createSession, SESSION_COOKIE } = await import("../lib/auth/sessions");
  const { createMachine } = await import("../lib/machines");
  const { createProfile } = await import("../lib/profiles");
  const { loadCatalog } = await import("../worker/engine/channels");
  const { defaultSelection } = await import("../contracts/selection");
  const tag = randomBytes(4).toString("hex");
  const actor = await createUser({ email: `catalog-${tag}@example.org`, name: "Bench", password: `bench-${tag}-password` });
  const { token } = await createSession(actor.id);
  const machine = await createMachine({ actor, input: { name: `catalog-${tag}`, arch: "x86_64", notes: "" } });
  const selection = { ...defaultSelection(loadCatalog("mini")), packages };
  const profile = await createProfile({ actor, machineId: machine.id, name: "catalog", channel: "mini", selection });
  const headers = { cookie: `${SESSION_COOKIE}=${token}` };
  const html = await (await fetch(`${appUrl}/machines/${machine.id}/profiles/${profile.id}`, { headers })).text();
  const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!))];
  let bytes = gzipSync(html).length;
  for (const asset of assets) bytes += gzipSync(Buffer.from(await (await fetch(`${appUrl}${asset}`, { headers })).arrayBuffer())).length;
  return bytes;
}

/** A cold host: its own empty .deb cache (ZXCV_STATE_DIR) and an empty store; only the fetch is timed. */
async function coldFetch(packages: string[]): Promise<{ seconds: number; bytes: number; debs: number; packageBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), "zxcv-bench-catalog-"));
  const previous = process.env.ZXCV_STATE_DIR;
  try {
    process.env.ZXCV_STATE_DIR = join(dir, "state");
    const { runOrThrow } = await import("../worker/engine/nix");
    const { seedStore } = await import("../worker/engine/seed");
    const { channelDir, readArchive } = await import("../worker/engine/channels");
    const { closureOf } = await import("../contracts/resolver");
    const { loadCatalog } = await import("../worker/engine/channels");
    const { defaultSelection } = await import("../contracts/selection");
    const catalog = loadCatalog("mini");
    const file = join(dir, "selection.json");
    writeFileSync(file, JSON.stringify({ ...defaultSelection(catalog), packages }));
    const store = join(dir, "store");
    const drv = (await runOrThrow("nix-instantiate", ["--store", store, join(channelDir("mini"), "default.nix"), "--argstr", "selectionFile", file])).trim();
    const started = Date.now();
    const seeded = await seedStore(drv.split("\n").pop()!, { store });
    const seconds = (Date.now() - started) / 1000;
    const archive = readArchive().packages;
    const entries = new Map(catalog.packages.map((p) => [p.id, p]));
    const packageBytes = closureOf(entries, packages).reduce((sum, id) => sum + (archive[id]?.size ?? 0), 0);
    return { seconds, bytes: seeded.downloadedBytes, debs: seeded.debs, packageBytes };
  } finally {
    if (previous === undefined) delete process.env.ZXCV_STATE_DIR;
    else process.env.ZXCV_STATE_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCatalog(options: { appUrl?: string; log: (s: string) => void }): Promise<Figure[]> {
  const { loadCatalog, channelDir } = await import("../worker/engine/channels");
  const { searchPackages } = await import("../lib/catalog");
  const { popularCommandLinePackages } = await import("../test/engine/catalog-pick");
  const catalog = loadCatalog("mini");
  const leftOut = readFileSync(join(channelDir("mini"), "left-out.txt"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#")).length;
  const figures = [figure(GROUP, "packages offered", catalog.packages.length, "n", { note: `${leftOut} left out, with reasons, in left-out.txt` })];

  options.log("catalog: generating (npm run pin:mini -- --dry-run)");
  const started = Date.now();
  const pin = spawnSync(process.execPath, ["--import", "tsx", "scripts/pin-mini.ts", "--dry-run"], { encoding: "utf8" });
  if (pin.status !== 0) throw new Error(`pin:mini --dry-run failed: ${pin.stderr}`);
  figures.push(figure(GROUP, "catalog generation (read index + Contents, resolve)", (Date.now() - started) / 1000, "s"));

  const picked = popularCommandLinePackages(catalog);
  const list = queries(catalog, picked);
  let t = performance.now();
  await searchPackages({ channel: "mini", query: list[0]!, selected: picked.slice(0, 5) });
  const first = performance.now() - t;
  const times: number[] = [];
  for (const q of list) {
    t = performance.now();
    await searchPackages({ channel: "mini", query: q, selected: picked.slice(0, 5) });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  figures.push(
    figure(GROUP, `search p50 (${times.length} queries, ranked, with what each adds)`, percentile(times, 50), "ms", {
      note: `first query ${first.toFixed(0)} ms`,
    }),
    figure(GROUP, "search p99", percentile(times, 99), "ms"),
  );

  if (options.appUrl) {
    // Against the same page with no package: what the catalog adds to it (the closure slice of the selection).
    const without = await pageWeight(options.appUrl, []);
    const withPackages = await pageWeight(options.appUrl, picked);
    figures.push(
      figure(GROUP, "configurator page weight, 25 packages (gzip'd HTML + JS + CSS)", withPackages, "B", { baseline: { name: "no package", value: without } }),
    );
  }

  options.log("catalog: cold host fetching a 25-package selection from the mirror");
  const cold = await coldFetch(picked);
  figures.push(
    figure(GROUP, "cold host: fetch a 25-package selection (every deb the build needs)", cold.seconds, "s", { note: `${cold.debs} debs` }),
    figure(GROUP, "cold host: bytes fetched", cold.bytes, "B", { note: `of which the 25 packages and their dependencies ${cold.packageBytes} B` }),
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./table");
  const figures = await benchCatalog({ appUrl: process.env.APP_URL, log: (s) => process.stderr.write(`[bench] ${s}\n`) });
  printTable(figures);
  process.exit(0);
}
