import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

// The real stack: the app, Redis, PostgreSQL and one local build host running the real engine (Nix + QEMU).
test.describe("builds", () => {
  test.setTimeout(600_000);

  test("compose, Build, watch the log, download the ISO, check its sha256 and the boot test", async ({ signedInPage: page }) => {
    await createMachine(page, `e2e-build-${Date.now()}`);
    await createProfile(page, "desktop");
    const configurator = page.url();
    await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
    await expect(page).toHaveURL(/\/builds\/[^/]+$/);

    // Log lines arrive in the page while the build runs (the live view is only shown for an active build).
    await expect(page.getByRole("progressbar", { name: "Build progress" })).toBeVisible();
    await expect(page.getByTestId("build-log")).toContainText("zxcv: build", { timeout: 60_000 });
    await expect(page.getByTestId("build-phase")).not.toHaveText("Queued");
    // The status and the host follow the phases without a reload.
    await expect(page.getByTestId("build-status")).not.toHaveText("queued");

    // When it ends the page switches to the stored log and the ISO.
    await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 540_000 });
    await expect(page.getByTestId("boot-tests")).toContainText("passed");
    await expect(page.getByTestId("boot-tests")).not.toContainText("failed");
    // Each check of the live system's boot test, per firmware: the prompt on screen, the USB keyboard, the lease.
    await expect(page.getByTestId("boot-check-screen")).toContainText("passed");
    await expect(page.getByTestId("boot-check-keyboard")).toContainText("passed");
    await expect(page.getByTestId("boot-checks")).not.toContainText("failed");
    await expect(page.getByTestId("build-log")).toContainText("ISO uploaded and verified");

    await page.getByRole("link", { name: "Downloads" }).click();
    const item = page.getByTestId("download-item").first();
    await expect(item).toBeVisible();
    await expect(item.getByTestId("boot-test")).toContainText("passed");
    const sha256 = (await item.getByTestId("iso-sha256").textContent())!.trim();
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);

    const downloading = page.waitForEvent("download");
    await item.getByTestId("iso-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.iso$/);
    const bytes = await readFile((await download.path())!);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha256);

    const sums = await page.request.get("/downloads/SHA256SUMS");
    expect(await sums.text()).toContain(`${sha256}  ${download.suggestedFilename()}`);

    // Build again: the same selection on the same channel revision is the ISO just built, reused at once. Its page
    // shows the stored log, and the click opens no live connection for a build that is already over.
    const liveConnections: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "eventsource") liveConnections.push(request.url());
    });
    await page.goto(configurator);
    await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
    await expect(page).toHaveURL(/\/builds\/[^/]+$/);
    await expect(page.getByTestId("reused")).toBeVisible();
    await expect(page.getByTestId("build-log")).toContainText("ISO uploaded and verified");
    expect(liveConnections).toEqual([]);
  });
});

test("the Build hosts page shows the local build host online and the queue", async ({ signedInPage: page }) => {
  await page.getByRole("link", { name: "Build hosts" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Build hosts");
  await expect(page.getByTestId("host").filter({ hasText: "online" }).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("queue-depth")).toContainText(/x86_64 \d+ waiting, \d+ building/);
});
