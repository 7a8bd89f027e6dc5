// Build click -> the first log line in the page, in Chromium against the running app, with a warm build host
// waiting on the queue (in this process: the real worker code, BullMQ, claim and log shipping). The host's engine
// is a stand-in: it checks the selection against the host's catalog, as the engine does first, then waits to be
// cancelled. The line measured is the worker's own first line ("zxcv: build ..."), sent before any Nix step, so the
// figure is the dashboard's path, not Nix's. Each build is cancelled after its first line; the timing is taken
// inside the page (click to the line in the DOM), with marks of where it waited on the way.
import type { Actor } from "../lib/auth/actor";
import { figure, launchChromium, type Figure } from "./support";

const GROUP = "live log (Chromium)";
const RUNS = 12;
const WARM_UP = 2;

declare global {
  interface Window {
    zxcvClickAt?: number;
    zxcvLineAt?: number;
  }
}

/** Where a click's line waited: each mark's time after the click, from wrappers of fetch and EventSource. */
const MARKS = {
  action: "the action answered",
  connection: "the live connection opened",
  lineOnConnection: "the line reached the page's connection",
  pageDrawn: "the build page was drawn",
} as const;
type Mark = keyof typeof MARKS;

// A string, not a function: tsx's name helper would not exist in the page.
const MARK_SCRIPT = `
  window.zxcvMarks = {};
  var mark = function (name) {
    if (window.zxcvClickAt !== undefined && window.zxcvMarks[name] === undefined) window.zxcvMarks[name] = performance.now() - window.zxcvClickAt;
  };
  var NativeEventSource = window.EventSource;
  window.EventSource = function (url, init) {
    var source = new NativeEventSource(url, init);
    source.addEventListener("open", function () { mark("connection"); });
    source.addEventListener("line", function () { mark("lineOnConnection"); });
    return source;
  };
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    var isAction = Boolean(init && init.headers && (init.headers["Next-Action"] || init.headers["next-action"]));
    return nativeFetch(input, init).then(function (response) { if (isAction) mark("action"); return response; });
  };
  new MutationObserver(function () {
    if (location.pathname.startsWith("/builds/") && document.querySelector('[data-testid="build-log"]')) mark("pageDrawn");
  }).observe(document, { subtree: true, childList: true });
`;

export async function benchFirstLine(options: {
  appUrl: string;
  actor: Actor;
  sessionToken: string;
  configuratorPath: string;
  log?: (s: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const { hostEnv } = await import("../test/integration/builds/fixtures");
  const { startBuildHost } = await import("../worker/host");
  const { cancelBuild } = await import("../lib/builds");
  const { assertBuildableSelection } = await import("../worker/engine/build-iso");
  const { SESSION_COOKIE } = await import("../lib/auth/sessions");
  const host = await startBuildHost({
    // A host as one runs in production: the tests' fixture beats every 300 ms, which here put three heartbeat
    // requests a second on the app that serves the click.
    env: await hostEnv(options.appUrl, `bench-first-line-${Date.now()}`, { ZXCV_BOOT_TEST: "0", ZXCV_HEARTBEAT_MS: "5000", ZXCV_LOCK_MS: "15000" }),
    runBuild: ({ selection, signal }) => {
      assertBuildableSelection(selection);
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled")), { once: true }));
    },
    log: () => undefined,
  });
  const browser = await launchChromium();
  const times: number[] = [];
  const marks: Partial<Record<Mark, number>>[] = [];
  try {
    const context = await browser.newContext({ baseURL: options.appUrl });
    await context.addCookies([{ name: SESSION_COOKIE, value: options.sessionToken, url: options.appUrl }]);
    await context.addInitScript(MARK_SCRIPT);
    await context.addInitScript(() => {
      document.addEventListener("click", () => (window.zxcvClickAt ??= performance.now()), { capture: true });
      new MutationObserver(() => {
        if (
          window.zxcvClickAt !== undefined &&
          window.zxcvLineAt === undefined &&
          document.querySelector('[data-testid="build-log"]')?.textContent?.includes("zxcv: build")
        ) {
          window.zxcvLineAt = performance.now();
        }
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage();
    for (let run = 0; run < RUNS + WARM_UP; run++) {
      await page.goto(options.configuratorPath);
      await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
      await page.waitForURL(/\/builds\/[^/]+$/);
      await page.waitForFunction(() => window.zxcvLineAt !== undefined, undefined, { timeout: 30_000 });
      const ms = await page.evaluate(() => window.zxcvLineAt! - window.zxcvClickAt!);
      const runMarks = (await page.evaluate("window.zxcvMarks")) as Partial<Record<Mark, number>>;
      log(
        `run ${run}: line in the page ${ms.toFixed(0)} ms; ${Object.entries(runMarks)
          .map(([k, v]) => `${k} ${v!.toFixed(0)}`)
          .join(", ")}`,
      );
      if (run >= WARM_UP) {
        times.push(ms);
        marks.push(runMarks);
      }
      const buildId = /\/builds\/([^/]+)$/.exec(page.url())![1]!;
      await cancelBuild({ actor: options.actor, buildId });
      // The host is free again once it let go of the build (capacity 1), so the next click finds it waiting.
      const deadline = Date.now() + 30_000;
      while (host.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
    log(`first line: ${times.map((t) => t.toFixed(0)).join(" ")} ms`);
  } finally {
    await browser.close();
    await host.close();
  }
  const at = (values: number[], p: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))] ?? null;
  return [
    figure(GROUP, "Build click -> first log line in the page, p50", at(times, 0.5), "ms", {
      note: `${RUNS} builds after ${WARM_UP} warm-up; warm host waiting on the queue, its engine a stand-in (see bench/first-line.ts)`,
    }),
    figure(GROUP, "Build click -> first log line in the page, max", at(times, 1), "ms"),
    ...Object.entries(MARKS).map(([mark, what]) =>
      figure(
        GROUP,
        `on the way, p50: ${what}`,
        at(
          marks.flatMap((m) => m[mark as Mark] ?? []),
          0.5,
        ),
        "ms",
        { note: "after the click" },
      ),
    ),
  ];
}
