import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { expect, test } from "./fixtures";
import { createMachine, createProfile } from "./configurator-helpers";

// One EventSource per page however many live builds it shows (components/live/hub.ts): the builds list follows
// three running builds on one connection, and the build page opened from it follows its log on one too.
// The builds are rows written here and their events are written to Redis as the app does for a host.

const LIVE = 3;

test("the builds list follows three live builds on one EventSource, and the build page its log on one", async ({ signedInPage: page, person }) => {
  await createMachine(page, `e2e-live-${Date.now()}`);
  await createProfile(page, "live");
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const redis = new Redis(process.env.REDIS_URL!);
  const ids = Array.from({ length: LIVE }, (_, i) => `e2elive${i}${randomBytes(6).toString("hex")}`);
  try {
    const { rows } = await db.query<{ userId: string; revisionId: string; configHash: string }>(
      `SELECT u.id AS "userId", r.id AS "revisionId", r."configHash" FROM "User" u JOIN "Machine" m ON m."ownerId" = u.id
       JOIN "Profile" p ON p."machineId" = m.id JOIN "ProfileRevision" r ON r."profileId" = p.id WHERE u.email = $1`,
      [person.email],
    );
    const { userId, revisionId, configHash } = rows[0]!;
    for (const [i, id] of ids.entries()) {
      await db.query(
        `INSERT INTO "Build" (id, "revisionId", "requestedById", status, arch, channel, "channelRevision", "configHash", phase, progress, "queuedAt", "startedAt")
         VALUES ($1, $2, $3, 'RUNNING', 'x86_64', 'mini', 'e2e', $4, 'realising', 0.5, now() - make_interval(secs => $5), now())`,
        [id, revisionId, userId, configHash, i],
      );
    }
    const eventSources: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "eventsource") eventSources.push(new URL(request.url()).pathname);
    });

    await page.goto("/builds");
    await expect(page.getByTestId("build-list-phase")).toHaveCount(LIVE);
    // A phase of one build and the end of another reach the list without a reload.
    await redis.xadd(`build:${ids[1]}:log`, "*", "type", "phase", "phase", "boot-test", "progress", "0.9", "detail", "");
    await redis.xadd(`build:${ids[2]}:log`, "*", "type", "end", "status", "CANCELLED", "reason", "");
    await expect(page.getByTestId("build-list-phase").filter({ hasText: "boot-test" })).toHaveCount(1);
    await expect(page.getByTestId("build-status").filter({ hasText: "cancelled" })).toHaveCount(1);
    expect(eventSources).toEqual(["/api/builds/live"]);

    await page
      .getByRole("link", { name: /live r1/ })
      .first()
      .click();
    await expect(page).toHaveURL(new RegExp(`/builds/${ids[0]}$`));
    await expect(page.getByRole("progressbar", { name: "Build progress" })).toBeVisible();
    await redis.xadd(`build:${ids[0]}:log`, "*", "type", "line", "text", "a line for the build page");
    await expect(page.getByTestId("build-log")).toContainText("a line for the build page");
    expect(eventSources).toEqual(["/api/builds/live", "/api/builds/live"]);
  } finally {
    // The rows are stand-ins with no host: left RUNNING, the reconciler would hand them to the stack's build host
    // as orphans, and that host would be busy with them while later specs wait for it.
    await db.query(`DELETE FROM "Build" WHERE id = ANY($1)`, [ids]);
    redis.disconnect();
    await db.end();
  }
});
