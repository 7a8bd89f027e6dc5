// npm run bench [-- --readme] — every benchmark in one run, one table.
//
// Brings up a throw-away stack (embedded PostgreSQL or DATABASE_URL's server, private Redis, `next start`), then runs:
// the dashboard under load, the generated catalog (bench/catalog.ts), the engine (bench/engine.ts), build growth, the remote-build side by side and, when the
// builds engineer's bench/build-path.ts is present, the build path through the app. Prints the machine, the versions
// and every figure (with its ratio against a baseline measured in this run), writes bench/results/latest.json and
// latest.md; --readme also replaces the README's Benchmarks table. Figures, not tests: nothing here asserts.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { ensureDebianPackages, requiredDebianPackages } from "../scripts/stack/apt";
import { buildApp, prepareDatabase, startApp } from "../scripts/stack/app";
import { freePort } from "../scripts/stack/ports";
import { stopManaged, type Managed } from "../scripts/stack/processes";
import { startTestServices, type Services } from "../scripts/stack/services";
import { benchCatalog } from "./catalog";
import { benchClientJs } from "./client-js";
import { benchDashboardLoad, seedDashboard } from "./dashboard-load";
import { benchFirstLine } from "./first-line";
import { benchLiveFanout } from "./live-fanout";
import { benchWrites } from "./writes";
import { benchGrowth } from "./growth";
import { benchRemoteBuild } from "./remote-build";
import { benchTestDrive } from "./testdrive";
import { figure, treeRssBytes, versionOf, type Figure, type Unit } from "./support";
import { markdownTable, printTable } from "./table";

const COMMAND = "npm run bench";
const RESULTS = "bench/results";
const say = (s: string) => process.stderr.write(`[bench] ${s}\n`);

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    debian: existsSync("/etc/debian_version") ? readFileSync("/etc/debian_version", "utf8").trim() : null,
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
}

async function versions(services: Services) {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  const postgres = ((await client.query("SHOW server_version")).rows[0] as { server_version: string }).server_version;
  await client.end();
  const redis = new Redis(services.redisUrl);
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? null;
  redis.disconnect();
  const pkg = (name: string) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  return {
    node: process.version,
    nix: versionOf("nix-build", ["--version"], /\d+\.\d+\S*/),
    qemu: versionOf("qemu-system-x86_64", ["--version"], /(?<=version )\S+/),
    postgres,
    redis: redisVersion,
    chromium: versionOf("chromium", ["--version"], /\d+\.\d+\.\d+\.\d+/),
    openssh: versionOf("ssh", ["-V"], /OpenSSH_\S+/),
    next: pkg("next"),
    bullmq: pkg("bullmq"),
    autocannon: pkg("autocannon"),
  };
}

/** bench/engine.ts prints `label  value` rows; each becomes a figure, times as ratios against its cold build. */
async function engineFigures(): Promise<Figure[]> {
  const group = "engine (bench/engine.ts)";
  const out = await runScript("bench/engine.ts", process.env);
  const figures: Figure[] = [];
  let cold: number | undefined;
  for (const line of out.split("\n").slice(1)) {
    const m = /^(.+?)\s{2,}(.+)$/.exec(line.trim());
    if (!m || m[1] === "nix") continue; // the versions line already has it
    const [, label, text] = m as unknown as [string, string, string];
    const seconds = /^([\d.]+) s\b(.*)$/.exec(text);
    const mib = /^([\d.]+) MiB(.*)$/.exec(text);
    if (seconds) {
      const value = Number(seconds[1]);
      const isCold = /^cold/.test(label);
      if (isCold) cold ??= value;
      const note = seconds[2]!.replace(/^,\s*/, "").trim() || undefined;
      figures.push(
        figure(group, label, value, "s", {
          baseline: !isCold && cold !== undefined && !/^boot test/.test(label) ? { name: "cold build", value: cold } : undefined,
          note,
        }),
      );
    } else if (mib) {
      // "ISO size GRUB hybrid / ISOLINUX  21.9 MiB / 14.0 MiB": the second value goes to the note, named.
      const rest = mib[2]!.replace(/^\s*\/\s*/, "").trim();
      figures.push(figure(group, label, Number(mib[1]) * 1024 ** 2, "B", { note: rest ? `${label.split(" / ").pop()}: ${rest}` : undefined }));
    } else figures.push(figure(group, label, null, "n", { note: text }));
  }
  return figures;
}

/** Runs a benchmark script in its own process group; the time limit kills the whole group and says so. */
function runScript(file: string, env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const tail = `${stdout}${stderr}`.trim().split("\n").slice(-3).join(" | ");
      // A script that printed its rows but did not exit still gave its figures.
      if (code === 0 || (timedOut && stdout.trim())) resolve(stdout);
      else reject(new Error(timedOut ? `${file} did not finish in ${timeoutMs / 1000} s (stopped): ${tail}` : `${file} exited with ${code}: ${tail}`));
    });
  });
}

/** "12 ms", "1.5 s", "742 B (job ...)", "190.3 MB": a value, its unit and the rest as a note. */
function parseValue(text: string): { value: number | null; unit: Unit; note?: string } {
  const m = /^([\d.]+) (ms|s|B|MB|MiB)\b[,;]?\s*(.*)$/.exec(text.trim());
  if (!m) return { value: null, unit: "n", note: text.trim() };
  const n = Number(m[1]);
  const note = m[3] || undefined;
  if (m[2] === "MB" || m[2] === "MiB") return { value: n * 1024 ** 2, unit: "B", note };
  return { value: n, unit: m[2] as Unit, note };
}

/**
 * The builds engineer's build-path benchmark (it serves the app's route handlers and runs one build host itself,
 * against this run's database and Redis): its `benchBuildPath` when exported, else its printed rows.
 */
async function buildPathFigures(context: { appUrl: string; appPid: number; redisUrl: string; env: NodeJS.ProcessEnv }): Promise<Figure[]> {
  const file = "bench/build-path.ts";
  const group = "build path (bench/build-path.ts)";
  if (!existsSync(file)) return [figure(group, "bench/build-path.ts", null, "n", { note: "not present in this clone" })];
  // It is a script (top-level await): importing it would run it here, so it always runs as a child process.
  if (/export async function benchBuildPath/.test(readFileSync(file, "utf8"))) {
    const mod = (await import(path.resolve(file))) as { benchBuildPath: (o: typeof context & { log: typeof say }) => Promise<Figure[]> };
    return mod.benchBuildPath({ ...context, log: say });
  }
  const out = await runScript(file, context.env, 180_000);
  const figures: Figure[] = [];
  for (const line of out.split("\n")) {
    const m = /^(.+?)\s{2,}(.+)$/.exec(line.trim());
    if (!m) continue;
    const parsed = parseValue(m[2]!);
    const previous = figures.at(-1);
    // "for comparison: ..." is the row above's baseline (the input closure against the bytes sent per job).
    if (/^for comparison/.test(m[1]!) && previous && parsed.value !== null) previous.baseline = { name: "input closure", value: parsed.value };
    figures.push(figure(group, m[1]!, parsed.value, parsed.unit, { note: parsed.note }));
  }
  return figures;
}

/** `--only dashboard,live` runs only the steps whose names start with one of these words (for trying a change). */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1]!.split(",") : null;

/** One step's failure is a row in the table, not the end of the run. */
async function step(name: string, fn: () => Promise<Figure[]>): Promise<Figure[]> {
  if (only && !only.some((word) => name.startsWith(word))) return [];
  const started = Date.now();
  say(`${name} ...`);
  try {
    const figures = await fn();
    say(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return figures;
  } catch (error) {
    say(`${name} FAILED: ${(error as Error).message}`);
    return [figure(name, "FAILED", null, "n", { note: (error as Error).message.split("\n")[0]!.slice(0, 300) })];
  }
}

/** How long the app is left without requests after the load before its memory is read again. */
const IDLE_AFTER_LOAD_MS = 60_000;

/**
 * The dashboard at scale (issue 16), in one app: idle memory once the pages are warm, the pages with 1,000 and
 * 100,000 builds, live logs to 200 viewers, Build click to first line, writes, each page's JavaScript, and the
 * memory after all that load. The EXPLAIN of each list query goes to bench/results/explain.md.
 */
async function dashboardSteps(context: { appUrl: string; appPid: number; artifactDir: string }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const seeded = await seedDashboard();
  const { dashboard, cookie } = seeded;
  const configurator = `/machines/${dashboard.you.machineId}/profiles/${dashboard.you.profileId}`;
  for (const path of ["/sign-in", "/machines", configurator, "/builds", "/downloads"])
    await (await fetch(`${context.appUrl}${path}`, { headers: { cookie } })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 2000));
  const idleRss = treeRssBytes(context.appPid);
  figures.push(
    ...(await step("dashboard under load", async () => {
      const { figures: rows, explain } = await benchDashboardLoad({ ...context, seeded, log: say });
      writeFileSync(path.join(RESULTS, "explain.md"), `# EXPLAIN ANALYZE of each list page's queries (${COMMAND})\n\n${explain}\n`);
      return rows;
    })),
  );
  const person = async (p: number) => {
    const { createSession, SESSION_COOKIE } = await import("../lib/auth/sessions");
    const actor = { id: `u${dashboard.tag}${p}`, role: "MEMBER" as const, email: `bench-${dashboard.tag}-${p}@example.org`, name: `Bench person ${p}` };
    const { token } = await createSession(actor.id);
    return {
      actor,
      token,
      cookie: `${SESSION_COOKIE}=${token}`,
      revisionId: `r${dashboard.tag}${p}_0_0`,
      configurator: `/machines/m${dashboard.tag}${p}_0/profiles/p${dashboard.tag}${p}_0_0`,
    };
  };
  const viewer = await person(1);
  figures.push(...(await step("live log fan-out", () => benchLiveFanout({ ...context, ...viewer, log: say }))));
  const clicker = await person(2);
  figures.push(
    ...(await step("live log first line", () =>
      benchFirstLine({ appUrl: context.appUrl, actor: clicker.actor, sessionToken: clicker.token, configuratorPath: clicker.configurator, log: say }),
    )),
  );
  figures.push(...(await step("writes", () => benchWrites({ appUrl: context.appUrl, client: seeded.client, log: say }))));
  const pages: [string, string][] = [
    ["/sign-in", "/sign-in"],
    ["/machines", "/machines"],
    ["/machines/:id", `/machines/${dashboard.you.machineId}`],
    ["configurator /machines/:id/profiles/:id", configurator],
    ["history /machines/:id/profiles/:id/history", `${configurator}/history`],
    ["/builds", "/builds"],
    ["/builds/:id", `/builds/b${dashboard.tag}${"0".padStart(7, "0")}`],
    ["/downloads", "/downloads"],
    ["/hosts", "/hosts"],
    ["/settings/tokens", "/settings/tokens"],
  ];
  figures.push(...(await step("client JS", () => benchClientJs({ appUrl: context.appUrl, cookie, pages, log: say }))));
  const afterRss = treeRssBytes(context.appPid);
  figures.push(figure("dashboard (loopback)", "app memory (RSS) idle, pages warm, before the load", idleRss, "B"));
  figures.push(
    figure("dashboard (loopback)", "app memory (RSS) after all the load above", afterRss, "B", {
      baseline: idleRss ? { name: "idle", value: idleRss } : undefined,
      note: "right after the last request",
    }),
  );
  // V8 keeps the heap it grew under load until the app has been idle a while (its memory reducer), then gives it
  // back: the same RSS sampled each second for a minute of no requests, and when it came within 1.5x of idle.
  const settling = Date.now();
  let settledAfter: number | null = null;
  let settledRss = afterRss;
  while (Date.now() - settling < IDLE_AFTER_LOAD_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    settledRss = treeRssBytes(context.appPid);
    if (settledAfter === null && idleRss && settledRss && settledRss <= 1.5 * idleRss) settledAfter = (Date.now() - settling) / 1000;
  }
  figures.push(
    figure("dashboard (loopback)", `app memory (RSS) after the load and ${IDLE_AFTER_LOAD_MS / 1000} s without requests`, settledRss, "B", {
      baseline: idleRss ? { name: "idle", value: idleRss } : undefined,
      note: settledAfter === null ? "not within 1.5x idle in that time" : `within 1.5x idle after ${settledAfter.toFixed(0)} s`,
    }),
  );
  await seeded.client.end();
  return figures;
}

function updateReadme(markdown: string): void {
  const readme = readFileSync("README.md", "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const block = `${start}\n${markdown}\n${end}`;
  const next = readme.includes(start) ? readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${readme.trimEnd()}\n\n## Benchmarks\n\n${block}\n`;
  writeFileSync("README.md", next);
}

async function main(): Promise<void> {
  const started = Date.now();
  const date = new Date().toISOString();
  ensureDebianPackages([...requiredDebianPackages(), ...requiredDebianPackages("scripts/apt-packages-bench.txt")]);
  const artifactDir = path.resolve(".state/bench/artifacts");
  rmSync(artifactDir, { recursive: true, force: true });
  const services = await startTestServices(process.env);
  const children: Managed[] = [];
  const figures: Figure[] = [];
  // Ctrl-C stops what this run started (the app, the worker, the database, Redis) before exiting.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void (async () => {
        for (const child of children.reverse()) await stopManaged(child, 2000);
        await services.stop();
        process.exit(130);
      })();
    });
  }
  let info: { machine: ReturnType<typeof machine>; versions: Awaited<ReturnType<typeof versions>> } | undefined;
  try {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      APP_URL: appUrl,
      ARTIFACT_DIR: artifactDir,
      NODE_ENV: "production" as const,
      // 200 browsers of one person watch one build in the live-log benchmark (20 by default).
      LIVE_STREAMS_PER_PERSON: "250",
    };
    Object.assign(process.env, { DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL, ARTIFACT_DIR: artifactDir });
    info = { machine: machine(), versions: await versions(services) };
    mkdirSync(RESULTS, { recursive: true });
    prepareDatabase(env);
    buildApp(env);
    const app = await startApp({ env, port, host: "127.0.0.1", quiet: true });
    children.push(app);
    say(`app up at ${appUrl}`);
    figures.push(...(await dashboardSteps({ appUrl, appPid: app.child.pid!, artifactDir })));
    figures.push(...(await step("catalog", () => benchCatalog({ appUrl, log: say }))));
    figures.push(...(await step("engine", engineFigures)));
    figures.push(...(await step("build growth", () => benchGrowth({ log: say }))));
    figures.push(...(await step("remote build", () => benchRemoteBuild({ redisUrl: services.redisUrl, log: say }))));
    figures.push(
      ...(await step("build path", () => buildPathFigures({ appUrl, appPid: app.child.pid!, redisUrl: services.redisUrl, env: { ...env, BASE_URL: appUrl } }))),
    );
    figures.push(...(await step("test-drive", () => benchTestDrive({ appUrl, log: say }))));
  } finally {
    for (const child of children.reverse()) await stopManaged(child);
    await services.stop();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const m = info!.machine;
  const header = [
    `date: ${date}   command: ${COMMAND}   total: ${seconds} s`,
    `machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB, Linux ${m.kernel}, Debian ${m.debian}, load at start ${m.loadAverageAtStart.join(" ")}`,
    `versions: ${Object.entries(info!.versions)
      .map(([k, v]) => `${k} ${v ?? "missing"}`)
      .join(", ")}`,
  ];
  for (const line of header) console.log(line);
  printTable(figures);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, "latest.json"), `${JSON.stringify({ date, command: COMMAND, seconds, ...info, figures }, null, 2)}\n`);
  const markdown = [...header.map((l) => `${l}  `), "", markdownTable(figures)].join("\n");
  writeFileSync(path.join(RESULTS, "latest.md"), `${markdown}\n`);
  if (process.argv.includes("--readme")) updateReadme(markdown);
  say(`wrote ${RESULTS}/latest.json and latest.md${process.argv.includes("--readme") ? ", README.md" : ""}`);
}

await main();
// Lingering sockets (Prisma's pool, BullMQ) must not keep the command alive.
process.exit(0);
