import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `npm run screenshots`: the same browser and stack as the specs, but only e2e/screenshots/*.shots.ts, which write
// docs/screenshots/. `npm test` never picks these files (it runs *.spec.ts).
export default defineConfig({
  ...base,
  testDir: "e2e/screenshots",
  testMatch: "*.shots.ts",
  reporter: [["list"]],
});
