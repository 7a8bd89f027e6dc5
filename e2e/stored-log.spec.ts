import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

// A finished build's page shows the end of its log, scrolled to the last line, and the whole log on a click.
// The build is a row written here with its log file in the stack's artifact storage, as a host's upload leaves it.

test("a finished build's page shows its log's last lines, and the whole log on a click", async ({ signedInPage: page, person }) => {
  await createMachine(page, `e2e-log-${Date.now()}`);
  await createProfile(page, "logs");
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const id = `e2elog${randomBytes(6).toString("hex")}`;
  const storageKey = `builds/${id}/1/build.log`;
  const file = join(resolve(process.env.ARTIFACT_DIR ?? ".state/artifacts"), storageKey);
  const log = Array.from({ length: 1000 }, (_, i) => `building step ${String(i + 1).padStart(4, "0")}\n`).join("");
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, log);
    const { rows } = await db.query<{ userId: string; revisionId: string; configHash: string }>(
      `SELECT u.id AS "userId", r.id AS "revisionId", r."configHash" FROM "User" u JOIN "Machine" m ON m."ownerId" = u.id
       JOIN "Profile" p ON p."machineId" = m.id JOIN "ProfileRevision" r ON r."profileId" = p.id WHERE u.email = $1`,
      [person.email],
    );
    const { userId, revisionId, configHash } = rows[0]!;
    await db.query(
      `INSERT INTO "Build" (id, "revisionId", "requestedById", status, arch, channel, "channelRevision", "configHash", phase, progress, "startedAt", "finishedAt", "failureReason")
       VALUES ($1, $2, $3, 'FAILED', 'x86_64', 'mini', 'e2e', $4, 'realising', 0.5, now() - interval '1 minute', now(), 'a step failed')`,
      [id, revisionId, userId, configHash],
    );
    await db.query(
      `INSERT INTO "Artifact" (id, "buildId", kind, "fileName", "sizeBytes", sha256, "storageKey") VALUES ($1, $2, 'LOG', 'build.log', $3, $4, $5)`,
      [`${id}log`, id, Buffer.byteLength(log), createHash("sha256").update(log).digest("hex"), storageKey],
    );

    await page.goto(`/builds/${id}`);
    const shown = page.getByTestId("build-log");
    await expect(shown).toContainText("building step 1000");
    await expect(shown).toContainText("building step 0801");
    await expect(shown).not.toContainText("building step 0800");
    await expect(page.getByTestId("log-hidden")).toContainText("15 KB of earlier lines are not");
    // Scrolled to its end, where a build says how it ended.
    await expect.poll(() => shown.evaluate((pre) => pre.scrollHeight - pre.clientHeight - pre.scrollTop)).toBeLessThanOrEqual(1);

    // Read a little way up from the end, then ask for the whole log: the same lines stay in view.
    await shown.evaluate((pre) => (pre.scrollTop -= 100));
    const atLine = () =>
      shown.evaluate((pre) => {
        const style = getComputedStyle(pre);
        const middle = pre.scrollTop + pre.clientHeight / 2 - parseFloat(style.paddingTop);
        return pre.textContent!.split("\n")[Math.floor(middle / parseFloat(style.lineHeight))];
      });
    const reading = await atLine();
    await page.getByRole("button", { name: "Show the whole log" }).click();
    await expect(shown).toContainText("building step 0001");
    expect(await shown.textContent()).toBe(log);
    expect(await atLine()).toBe(reading);
    await expect(page.getByTestId("log-hidden")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Download log" })).toHaveAttribute("href", `/api/artifacts/${id}log`);
  } finally {
    await db.query(`DELETE FROM "Build" WHERE id = $1`, [id]);
    await db.end();
    rmSync(dirname(dirname(file)), { recursive: true, force: true });
  }
});
