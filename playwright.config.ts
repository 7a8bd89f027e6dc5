import { defineConfig } from "@playwright/test";

// The stack (app + one local build-host worker) is started by scripts/test.sh before Playwright runs;
// BASE_URL says where. Chromium is Debian's: Playwright never downloads a browser here.
const baseURL = process.env.BASE_URL;
if (!baseURL) throw new Error("BASE_URL is not set: run the browser tests through `npm test` (or set BASE_URL to a running stack)");

export default defineConfig({
  testDir: "e2e",
  // Not .state/test-results: Playwright empties its output folder, which holds the other suites' results.
  outputDir: ".state/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".state/test-results/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
});
