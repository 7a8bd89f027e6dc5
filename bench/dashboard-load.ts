// The dashboard under load on loopback (autocannon): the downloads page and a build page with 1,000 builds in the
// database, against /sign-in served by the same app in the same run; then the app's memory while it serves several
// 1 GiB ISO downloads at once (a sparse file: the disk stays cheap, the bytes still cross the socket).
// Needs a running app (run-all.ts starts one); the rows are seeded for a fresh user of their own.
import { randomBytes } from "node:crypto";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import autocannon from "autocannon";
import { figure, treeRssBytes, type Figure } from "./support";

const GROUP = "dashboard (loopback)";
const BUILDS = 1000;
const ISO_BYTES = 1024 ** 3;

type Seeded = { cookie: string; buildId: string; bigIsoArtifactId: string };

/** A user with one machine, one profile and 1,000 succeeded builds, each with an ISO and a log row. */
async function seed(artifactDir: string): Promise<Seeded> {
  const { getDb } = await import("../lib/db");
  const { createUser, createSession, SESSION_COOKIE } = await import("../lib/auth/sessions");
  const { storageKeyFor } = await import("../lib/artifacts/storage");
  const { loadCatalog, readLock } = await import("../worker/engine/channels");
  const { canonicalizeSelection, defaultSelection, selectionHash } = await import("../contracts/selection");
  const db = getDb();
  const tag = randomBytes(4).toString("hex");
  const actor = await createUser({ email: `bench-${tag}@example.org`, name: "Bench", password: `bench-${tag}-password` });
  const { token } = await createSession(actor.id);
  const selection = canonicalizeSelection(defaultSelection(loadCatalog("mini")));
  const configHash = selectionHash(selection);
  const machine = await db.machine.create({ data: { ownerId: actor.id, name: `bench-${tag}`, arch: "x86_64" } });
  const profile = await db.profile.create({ data: { machineId: machine.id, name: "default", channel: "mini" } });
  const revision = await db.profileRevision.create({ data: { profileId: profile.id, number: 1, selection, configHash } });
  const channelRevision = readLock().revision;
  const now = Date.now();
  const builds = Array.from({ length: BUILDS }, (_, i) => ({
    id: `bench${tag}b${String(i).padStart(4, "0")}`,
    revisionId: revision.id,
    requestedById: actor.id,
    status: "SUCCEEDED" as const,
    arch: "x86_64",
    channel: "mini",
    channelRevision,
    configHash,
    phase: "done",
    progress: 1,
    result: {
      bootTests: [
        { firmware: "bios", passed: true },
        { firmware: "uefi", passed: true },
      ],
    },
    queuedAt: new Date(now - (i + 1) * 60_000),
    startedAt: new Date(now - (i + 1) * 60_000 + 1000),
    finishedAt: new Date(now - i * 60_000),
  }));
  await db.build.createMany({ data: builds });
  const artifacts = builds.flatMap((b, i) => [
    {
      id: `${b.id}iso`,
      buildId: b.id,
      kind: "ISO" as const,
      fileName: `zxcv-mini-${i}.iso`,
      sizeBytes: BigInt(i === 0 ? ISO_BYTES : 23_000_000),
      sha256: "0".repeat(64),
      storageKey: storageKeyFor({ buildId: b.id, attempt: 1, kind: "ISO" }),
    },
    {
      id: `${b.id}log`,
      buildId: b.id,
      kind: "LOG" as const,
      fileName: "build.log",
      sizeBytes: BigInt(0),
      sha256: "0".repeat(64),
      storageKey: storageKeyFor({ buildId: b.id, attempt: 1, kind: "LOG" }),
    },
  ]);
  await db.artifact.createMany({ data: artifacts });
  // The one ISO that is downloaded for real: a sparse 1 GiB file.
  const iso = join(artifactDir, artifacts[0]!.storageKey);
  mkdirSync(dirname(iso), { recursive: true });
  writeFileSync(iso, "");
  truncateSync(iso, ISO_BYTES);
  await db.$disconnect();
  return { cookie: `${SESSION_COOKIE}=${token}`, buildId: builds[0]!.id, bigIsoArtifactId: artifacts[0]!.id };
}

type Load = { rps: number; p50: number; p99: number; non2xx: number; errors: number; timeouts: number };

async function load(url: string, cookie: string | undefined, seconds: number): Promise<Load> {
  const result = await autocannon({ url, connections: 8, duration: seconds, timeout: 30, headers: cookie ? { cookie } : {} });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Time of one request on its own (ms). */
async function single(url: string, cookie: string): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers: { cookie } });
  await response.arrayBuffer();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The server keeps rendering requests autocannon gave up on; the next measurement waits until the app answers
 * /sign-in quickly again, so one page's backlog is not charged to the next page.
 */
async function drain(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await single(url, "")) > 100) await new Promise((r) => setTimeout(r, 500));
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

export async function benchDashboardLoad(options: {
  appUrl: string;
  appPid: number;
  artifactDir: string;
  seconds?: number;
  downloads?: number;
  log?: (s: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 8;
  const downloads = options.downloads ?? 4;
  log(`dashboard: seeding ${BUILDS} builds`);
  const seeded = await seed(resolve(options.artifactDir));
  const pages = {
    signIn: `${options.appUrl}/sign-in`,
    downloads: `${options.appUrl}/downloads`,
    build: `${options.appUrl}/builds/${seeded.buildId}`,
  };
  // One request each first: a redirect to /sign-in would measure the wrong page.
  for (const [name, url] of Object.entries(pages)) {
    const r = await fetch(url, { headers: { cookie: seeded.cookie }, redirect: "manual" });
    if (r.status !== 200) throw new Error(`GET ${name} answered ${r.status}: the benchmark would measure an error page`);
  }
  log(`dashboard: autocannon ${seconds} s each on /sign-in, /downloads, /builds/:id`);
  const alone = { downloads: await single(pages.downloads, seeded.cookie), build: await single(pages.build, seeded.cookie) };
  const signIn = await load(pages.signIn, undefined, seconds);
  await drain(pages.signIn);
  const build = await load(pages.build, seeded.cookie, seconds);
  await drain(pages.signIn);
  const dl = await load(pages.downloads, seeded.cookie, seconds);
  await drain(pages.signIn);
  const idle = treeRssBytes(options.appPid);
  log(`dashboard: ${downloads} x 1 GiB downloads at once`);
  const served = await downloadsAtOnce(`${options.appUrl}/api/artifacts/${seeded.bigIsoArtifactId}`, seeded.cookie, downloads, options.appPid);

  const base = { rps: { name: "/sign-in", value: signIn.rps }, p50: { name: "/sign-in", value: signIn.p50 }, p99: { name: "/sign-in", value: signIn.p99 } };
  const note = (l: Load) => `8 connections${l.non2xx || l.errors || l.timeouts ? `; ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts` : ""}`;
  const rows: Figure[] = [
    figure(GROUP, "/sign-in (baseline): requests/s", signIn.rps, "req/s", { note: note(signIn) }),
    figure(GROUP, "/sign-in: p50 / p99 latency", signIn.p50, "ms", { note: `p99 ${signIn.p99} ms` }),
  ];
  for (const [label, l, ms] of [
    [`/downloads (${BUILDS} builds)`, dl, alone.downloads],
    ["/builds/:id (of 1,000)", build, alone.build],
  ] as const) {
    rows.push(figure(GROUP, `${label}: one request alone`, ms, "ms"));
    rows.push(figure(GROUP, `${label}: requests/s`, l.rps, "req/s", { baseline: base.rps, note: note(l) }));
    rows.push(figure(GROUP, `${label}: p50 latency`, l.p50, "ms", { baseline: base.p50 }));
    rows.push(figure(GROUP, `${label}: p99 latency`, l.p99, "ms", { baseline: base.p99 }));
  }
  rows.push(figure(GROUP, "app memory (RSS) idle after the load", idle, "B"));
  rows.push(
    figure(GROUP, `app memory (RSS) peak, ${downloads} x 1 GiB downloads at once`, served.peak, "B", {
      baseline: idle ? { name: "idle", value: idle } : undefined,
    }),
  );
  rows.push(
    figure(GROUP, `${downloads} x 1 GiB downloads: throughput`, served.bytes / served.seconds, "B/s", { note: `${served.seconds.toFixed(1)} s in all` }),
  );
  return rows;
}
