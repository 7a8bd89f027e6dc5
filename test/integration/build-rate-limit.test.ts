// Build is rate-limited per person, on top of the cap on concurrent builds.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createBuild } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { closeQueues } from "@/lib/queue";
import { BUILD_LIMIT, disconnectRateLimit, enforceBuildRateLimit } from "@/lib/rate-limit";
import { makeActor, makeRevisions } from "./builds/fixtures";

after(async () => {
  await closeQueues();
  disconnectRateLimit();
  await getDb().$disconnect();
});

test("past the hourly Build limit, createBuild refuses with when to try again, and queues nothing", async () => {
  const actor = await makeActor("ratelimit");
  const [revisionId] = await makeRevisions(actor, 1);
  for (let i = 0; i < BUILD_LIMIT.limit; i++) await enforceBuildRateLimit({ userId: actor.id });
  await assert.rejects(createBuild({ actor, revisionId: revisionId! }), (error: unknown) => {
    assert.ok(isAppError(error));
    assert.equal(error.code, "RATE_LIMITED");
    assert.match(error.message, /try again in/i);
    return true;
  });
  assert.equal(await getDb().build.count({ where: { requestedById: actor.id } }), 0);
  // Another person is not affected.
  const other = await makeActor("ratelimit-other");
  const [otherRevision] = await makeRevisions(other, 1);
  const build = await createBuild({ actor: other, revisionId: otherRevision! });
  assert.equal(build.status, "QUEUED");
});
