// Live logs over SSE against real PostgreSQL and Redis: many viewers of a build share one Redis connection, and
// one person cannot open more than MAX_STREAMS_PER_PERSON streams (each holds a connection to the app).
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildLogKey } from "@/lib/log-stream";
import { getDb } from "@/lib/db";
import { liveLogTailCount, MAX_STREAMS_PER_PERSON } from "@/lib/builds/events";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { makeActor, makeRevisions } from "./builds/fixtures";

let app: Awaited<ReturnType<typeof startAppServer>>;
const controllers: AbortController[] = [];

before(async () => {
  app = await startAppServer();
});

after(async () => {
  for (const controller of controllers) controller.abort();
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

async function runningBuild(label: string) {
  const actor = await makeActor(label);
  const [revisionId] = await makeRevisions(actor, 1);
  const revision = await getDb().profileRevision.findUniqueOrThrow({ where: { id: revisionId! } });
  const build = await getDb().build.create({
    data: {
      requestedById: actor.id,
      revisionId: revision.id,
      channel: "mini",
      channelRevision: "test",
      arch: "x86_64",
      configHash: revision.configHash,
      status: "RUNNING",
      startedAt: new Date(),
    },
  });
  return { actor, build };
}

async function clientCount(): Promise<number> {
  const list = String(await getRedis().client("LIST"));
  return list.trim().split("\n").length;
}

/** Opens an SSE stream; resolves with its status, and for a 200 a reader that collects the text as it arrives. */
async function open(buildId: string, cookie: string) {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(`${app.appUrl}/api/builds/${buildId}/events`, { headers: { cookie }, signal: controller.signal });
  let text = "";
  if (response.ok) {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    })();
  }
  return { status: response.status, json: response.ok ? undefined : await response.json(), text: () => text, close: () => controller.abort() };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test("200 live-log streams from one person: the first MAX_STREAMS_PER_PERSON open, the rest get a 429 that says why, and Redis's client count does not grow with viewers", async () => {
  const { actor, build } = await runningBuild("viewer");
  await getRedis().ping();
  const before = await clientCount();

  const streams = await Promise.all(Array.from({ length: 200 }, () => open(build.id, actor.cookie)));
  const opened = streams.filter((s) => s.status === 200);
  const refused = streams.filter((s) => s.status === 429);
  assert.equal(opened.length, MAX_STREAMS_PER_PERSON);
  assert.equal(refused.length, 200 - MAX_STREAMS_PER_PERSON);
  assert.match(refused[0]!.json.error.message, new RegExp(`You have ${MAX_STREAMS_PER_PERSON} live logs open.*close some`));

  // Another person watching the same build shares the same Redis connection.
  const other = await makeActor("other-viewer");
  await getDb().build.update({ where: { id: build.id }, data: { requestedById: other.id } });
  const others = await Promise.all(Array.from({ length: 10 }, () => open(build.id, other.cookie)));
  assert.ok(others.every((s) => s.status === 200));

  // Every viewer gets a line written now, through the one shared connection.
  await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "hello viewers");
  await until("every viewer to get the line", () => [...opened, ...others].every((s) => s.text().includes("hello viewers")));
  assert.equal(liveLogTailCount(), 1, "one tail for the build");
  const during = await clientCount();
  assert.ok(during - before <= 1, `Redis clients grew by ${during - before} for ${opened.length + others.length} viewers`);

  // Closing streams gives the slots back.
  for (const stream of opened) stream.close();
  await getDb().build.update({ where: { id: build.id }, data: { requestedById: actor.id } });
  await until("a new stream to open after the others closed", async () => {
    const again = await open(build.id, actor.cookie);
    again.close();
    return again.status === 200;
  });
  for (const stream of others) stream.close();
  await until("the shared connection to close with its last viewer", () => liveLogTailCount() === 0);
});

test("a viewer that resumes with Last-Event-ID gets only what came after, and a finished build's stream ends", async () => {
  const { actor, build } = await runningBuild("resumer");
  const first = await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "line one");
  await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "line two");
  const response = await fetch(`${app.appUrl}/api/builds/${build.id}/events`, { headers: { cookie: actor.cookie, "last-event-id": first! } });
  await getRedis().xadd(buildLogKey(build.id), "*", "type", "end", "status", "SUCCEEDED", "reason", "");
  const text = await response.text();
  assert.doesNotMatch(text, /line one/);
  assert.match(text, /line two/);
  assert.match(text, /event: end\ndata: \{"status":"SUCCEEDED"/);
});
