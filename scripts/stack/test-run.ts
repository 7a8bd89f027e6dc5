// `npm test`: every suite against real PostgreSQL, Redis, Nix, QEMU and Chromium; ends with "N passed, N failed".
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureDebianPackages, requiredDebianPackages } from "./apt";
import { buildApp, prepareDatabase, startApp, startLocalWorker } from "./app";
import { freePort } from "./ports";
import { takeOverShutdownSignals } from "./postgres";
import { startTestServices, type Services } from "./services";
import { stopManaged, type Managed } from "./processes";
import { StackError, say } from "./log";

const RESULTS = ".state/test-results";
/**
 * `npm test -- PATTERN...` runs only the test files whose path contains a pattern (and skips the typecheck, and
 * the stack when no stack or browser test is picked): for working on one area. Plain `npm test` runs everything.
 */
const only = process.argv.slice(2).filter((arg) => arg !== "--screenshots");
/** `npm run screenshots`: only e2e/screenshots/*.shots.ts (they write docs/screenshots/), against BASE_URL or a stack of its own. */
const isScreenshotRun = process.argv.includes("--screenshots");
const picked = (files: string[]) => (only.length ? files.filter((f) => only.some((p) => f.includes(p))) : files);
type Counts = { passed: number; failed: number; skipped: number };

/** Test files by suite. Unit tests sit next to code; integration and engine tests under test/. */
function findTests(dir: string, suffix: string, skip: string[] = []): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (["node_modules", ".next", ".state", "generated", ".git"].includes(entry.name) || skip.includes(full)) continue;
      out.push(...findTests(full, suffix, skip));
    } else if (entry.name.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}

/**
 * Runs a suite in its own process group, echoing its output and returning it; one that outlives its time
 * limit is killed and counts as failed.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, limitMinutes = 20): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"], detached: true });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => {
      say(`${path.basename(command)} ${args.at(-1)}: still running after ${limitMinutes} minutes, killed`);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, limitMinutes * 60_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

async function runNodeSuite(name: string, files: string[], env: NodeJS.ProcessEnv): Promise<Counts> {
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0 };
  say(`${name}: ${files.length} file(s)`);
  const { code, output } = await run(
    process.execPath,
    // --test-force-exit: a file whose tests are done but left a handle open must not hang the run.
    ["--import", "tsx", "--test", "--test-concurrency=1", "--test-force-exit", "--test-timeout=600000", "--test-reporter=spec", ...files],
    env,
  );
  // The spec reporter's summary: "ℹ pass 12", "ℹ fail 0", ...
  const count = (key: string) => Number(new RegExp(`^ℹ ${key} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
  const counts = { passed: count("pass"), failed: count("fail") + count("cancelled"), skipped: count("skipped") + count("todo") };
  // A crashed runner that reported nothing still counts as a failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/** The whole repository type-checks (next build checks only the app): one test. */
async function runTypecheck(): Promise<Counts> {
  say("typecheck: tsc --noEmit over the whole repository");
  const { code } = await run(path.resolve("node_modules/.bin/tsc"), ["--noEmit", "-p", "."], process.env);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

/** `npm test -- lint format` picks these suites by name; plain `npm test` runs them too. */
const STATIC_SUITES = ["lint", "format"];
const wantsSuite = (name: string) => only.length === 0 || only.includes(name);

/** ESLint over the repository, module boundaries included (eslint.config.mjs): one test. */
async function runLint(): Promise<Counts> {
  say("lint: eslint over the whole repository");
  const { code } = await run(path.resolve("node_modules/.bin/eslint"), ["--max-warnings=0", "."], process.env);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

/** Every file Prettier formats is formatted (.prettierrc.json, .prettierignore): one test. */
async function runFormatCheck(): Promise<Counts> {
  say("format: prettier --check .");
  const { code } = await run(path.resolve("node_modules/.bin/prettier"), ["--check", "--log-level=warn", "."], process.env);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

/** The screenshot run: its own Playwright config; a failed flow fails the command. */
async function runScreenshots(env: NodeJS.ProcessEnv): Promise<Counts> {
  say("screenshots: e2e/screenshots/*.shots.ts into docs/screenshots/");
  // `npm run screenshots -- sizes` takes only the shots files whose path contains a pattern.
  const shots = only.length ? picked(findTests("e2e/screenshots", ".shots.ts")) : [];
  const { code } = await run(path.resolve("node_modules/.bin/playwright"), ["test", "-c", "playwright.screenshots.config.ts", ...shots], env, 30);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

async function runPlaywright(env: NodeJS.ProcessEnv, specs: string[]): Promise<Counts> {
  if (specs.length === 0) return { passed: 0, failed: 0, skipped: 0 };
  say(`browser: ${specs.length} spec file(s) in Debian's Chromium`);
  const report = path.join(RESULTS, "playwright.json");
  rmSync(report, { force: true });
  const { code } = await run(path.resolve("node_modules/.bin/playwright"), ["test", ...(only.length ? specs : [])], env, 30);
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = JSON.parse(readFileSync(report, "utf8")).stats as { expected: number; unexpected: number; flaky: number; skipped: number };
  const counts = { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  ensureDebianPackages([...requiredDebianPackages(), ...requiredDebianPackages("scripts/apt-packages-test.txt")]);
  let services: Services | undefined;
  const children: Managed[] = [];
  const cleanUp = async () => {
    for (const child of children.splice(0).reverse()) await stopManaged(child);
    await services?.stop();
    services = undefined;
  };
  takeOverShutdownSignals((signal) => {
    say(`${signal}: stopping the test stack`);
    void cleanUp().then(() => process.exit(1));
  });
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const add = (c: Counts) => {
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  };
  try {
    // A stack that is already running (BASE_URL) is all the screenshots need.
    if (isScreenshotRun && process.env.BASE_URL) return report(await runScreenshots(process.env));
    // Static checks need no services.
    if (!isScreenshotRun && wantsSuite("lint")) add(await runLint());
    if (!isScreenshotRun && wantsSuite("format")) add(await runFormatCheck());
    if (only.length > 0 && only.every((name) => STATIC_SUITES.includes(name))) return report(total);
    services = await startTestServices(process.env);
    const base = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, NODE_ENV: "test" as const };
    prepareDatabase(base);

    if (only.length === 0 && !isScreenshotRun) add(await runTypecheck());

    // Suites that need only the services (integration tests may FLUSHALL their own Redis): no app running yet.
    if (!isScreenshotRun) {
      add(await runNodeSuite("unit", picked(findTests(".", ".test.ts", ["test"])), base));
      add(await runNodeSuite("integration", picked(findTests("test/integration", ".test.ts")), base));
      add(await runNodeSuite("engine", picked(findTests("test/engine", ".test.ts")), base));
    }

    const stackTests = isScreenshotRun ? [] : picked(findTests("test/stack", ".test.ts"));
    const specs = isScreenshotRun ? [] : picked(findTests("e2e", ".spec.ts"));
    if (stackTests.length + specs.length === 0 && !isScreenshotRun) return report(total);

    // Suites that drive the running stack: the app and one local build-host worker, as `npm start` runs them.
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    // Every browser spec signs up from 127.0.0.1: the stack allows more sign-ups per address than a real dashboard
    // (the limit itself is tested in test/integration/sign-in.test.ts with the default).
    // A short test-drive limit, so e2e/testdrive.spec.ts sees a session end at it.
    const stackEnv = { ...base, APP_URL: appUrl, NODE_ENV: "production" as const, SIGN_UPS_PER_HOUR_PER_ADDRESS: "1000", TESTDRIVE_LIMIT_SECONDS: "120" };
    buildApp(stackEnv);
    const stackLog = createWriteStream(path.join(RESULTS, "stack.log"));
    const app = await startApp({ env: stackEnv, port, host: "127.0.0.1", quiet: true });
    children.push(app);
    const worker = await startLocalWorker({ env: stackEnv, appUrl, workDir: ".state/test-worker", quiet: true });
    children.push(worker);
    for (const child of children) {
      child.child.stdout?.pipe(stackLog);
      child.child.stderr?.pipe(stackLog);
    }
    say(`stack up at ${appUrl} (its output: ${RESULTS}/stack.log)`);
    const withStack = { ...base, BASE_URL: appUrl, APP_URL: appUrl, TESTDRIVE_LIMIT_SECONDS: stackEnv.TESTDRIVE_LIMIT_SECONDS };
    if (isScreenshotRun) return report(await runScreenshots(withStack));
    add(await runNodeSuite("stack", stackTests, withStack));
    add(await runPlaywright(withStack, specs));
  } catch (error) {
    const message = error instanceof StackError ? error.message : `${(error as Error).stack ?? error}`;
    process.stderr.write(`[zxcv] error: ${message}\n`);
    total.failed += 1;
  } finally {
    await cleanUp();
  }
  return report(total);
}

/** The closing line CI reads; a skipped test fails the run. */
function report(total: Counts): number {
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed === 0 && total.skipped === 0 ? 0 : 1;
}

process.exit(await main());
