import type { Route } from "@playwright/test";
import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

// A Build click follows the build's log as soon as the build is queued, while its page loads
// (components/live/hub.ts, prefollow): the lines that come before the page is drawn are in it when it is, and the
// page takes over the connection the click opened. The build page's request is held here until the stack's build
// host has sent its first line, so the line surely comes first; then the build is cancelled.

test("a Build click follows the log while the build page loads, and the page shows what came before it", async ({ signedInPage: page }) => {
  test.setTimeout(180_000);
  await createMachine(page, `e2e-click-${Date.now()}`);
  await createProfile(page, "click");
  const liveConnections: string[] = [];
  page.on("request", (request) => {
    if (request.resourceType() === "eventsource") liveConnections.push(new URL(request.url()).search);
  });
  const held: Route[] = [];
  await page.route(/\/builds\/[^/?]+(\?.*)?$/, (route) => (route.request().headers()["rsc"] === "1" ? held.push(route) : route.continue()));

  await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
  await expect.poll(() => held.length, { message: "the build page is requested" }).toBe(1);
  const buildId = /\/builds\/([^/?]+)/.exec(held[0]!.request().url())![1]!;
  // The click's connection already follows the build: the host's first line reaches the page before the build page does.
  await expect
    .poll(
      () =>
        page.evaluate((id) => {
          const hub = (globalThis as unknown as { zxcvLiveHub?: { watches: Map<string, { kept?: { type: string; text?: string }[] }> } }).zxcvLiveHub;
          return hub?.watches.get(id)?.kept?.some((event) => event.type === "line" && event.text?.startsWith("zxcv: build")) ?? false;
        }, buildId),
      { message: "the host's first line arrives on the click's connection", timeout: 120_000 },
    )
    .toBe(true);
  await held[0]!.continue();
  await page.unroute(/\/builds\/[^/?]+(\?.*)?$/);

  await expect(page).toHaveURL(new RegExp(`/builds/${buildId}$`));
  await expect(page.getByTestId("build-log")).toContainText(`zxcv: build ${buildId}`);
  // One connection: the page took over the click's, it did not open its own.
  expect(liveConnections).toEqual([`?log=${buildId}:0`]);

  await page.getByRole("button", { name: "Cancel build" }).click();
  await expect(page.getByTestId("build-status")).toHaveText("cancelled", { timeout: 60_000 });
});
