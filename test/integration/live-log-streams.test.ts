// Live logs over SSE against real PostgreSQL and Redis: many viewers of a build share one Redis connection, and
// one person cannot open more than MAX_STREAMS_PER_PERSON streams (each holds a connection to the app).
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildLogKey } from "@/lib/log-stream";
import { getDb } from "@/lib/db";
import { liveLogTailCount } from "@/lib/builds/events";
import { getEnv } from "@/lib/env";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { makeActor, makeRevisions } from "./builds/fixtures";
import { waitFor } from "@/test/support/wait";

const MAX_STREAMS_PER_PERSON = getEnv().LIVE_STREAMS_PER_PERSON;
let app: Awaited<ReturnType<typeof startAppServer>>;
/** The same routes as `next dev` serves them: Next.js's route handlers, a web stream per connection. */
let routeHandlers: Awaited<ReturnType<typeof startAppServer>>;
const controllers: AbortController[] = [];
/** Both ways the live logs are served; the tests of a connection's own behaviour run on each. */
const servings = [
  { name: "production server", url: () => app.appUrl },
  { name: "route handler", url: () => routeHandlers.appUrl },
];

before(async () => {
  app = await startAppServer();
  routeHandlers = await startAppServer({ isLiveInFront: false });
});

after(async () => {
  for (const controller of controllers) controller.abort();
  await app.close();
  await routeHandlers.close();
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
async function open(buildId: string, cookie: string, appUrl = app.appUrl) {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(`${appUrl}/api/builds/${buildId}/events`, { headers: { cookie }, signal: controller.signal });
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
  await waitFor("every viewer to get the line", () => [...opened, ...others].every((s) => s.text().includes("hello viewers")));
  assert.equal(liveLogTailCount(), 1, "one tail for the build");
  const during = await clientCount();
  assert.ok(during - before <= 1, `Redis clients grew by ${during - before} for ${opened.length + others.length} viewers`);

  // Closing streams gives the slots back.
  for (const stream of opened) stream.close();
  await getDb().build.update({ where: { id: build.id }, data: { requestedById: actor.id } });
  await waitFor("a new stream to open after the others closed", async () => {
    const again = await open(build.id, actor.cookie);
    again.close();
    return again.status === 200;
  });
  for (const stream of others) stream.close();
  await waitFor("the shared connection to close with its last viewer", () => liveLogTailCount() === 0);
});

for (const serving of servings) {
  test(`${serving.name}: a viewer that resumes with Last-Event-ID gets only what came after, and a finished build's stream ends`, async () => {
    const { actor, build } = await runningBuild("resumer");
    const first = await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "line one");
    await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "line two");
    const response = await fetch(`${serving.url()}/api/builds/${build.id}/events`, { headers: { cookie: actor.cookie, "last-event-id": first! } });
    await getRedis().xadd(buildLogKey(build.id), "*", "type", "end", "status", "SUCCEEDED", "reason", "");
    const text = await response.text();
    assert.doesNotMatch(text, /line one/);
    assert.match(text, /line two/);
    assert.match(text, /event: end\ndata: \{"status":"SUCCEEDED"/);
  });
}

/** The SSE events in `text` as { event, data } (comments and retry lines skipped). */
function eventsOf(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split("\n\n")
    .map((block) => ({ event: /^event: (.+)$/m.exec(block)?.[1], data: /^data: (.+)$/m.exec(block)?.[1] }))
    .filter((e): e is { event: string; data: string } => Boolean(e.event && e.data))
    .map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

test("one Redis reader per build: viewers of two builds make two readers; one viewer leaving leaves the others theirs; the last one leaving stops it", async () => {
  const one = await runningBuild("tail-one");
  const two = await runningBuild("tail-two");
  const before = liveLogTailCount();
  const viewers = await Promise.all(Array.from({ length: 5 }, () => open(one.build.id, one.actor.cookie)));
  const second = await open(two.build.id, two.actor.cookie);
  await waitFor("both builds to have their reader", () => liveLogTailCount() === before + 2);
  viewers[0]!.close();
  await getRedis().xadd(buildLogKey(one.build.id), "*", "type", "line", "text", "after one left");
  await waitFor("the others to get the line", () => viewers.slice(1).every((v) => v.text().includes("after one left")));
  assert.equal(liveLogTailCount(), before + 2, "the reader stays while viewers remain");
  for (const viewer of viewers.slice(1)) viewer.close();
  await waitFor("build one's reader to stop with its last viewer", () => liveLogTailCount() === before + 1);
  second.close();
  await waitFor("build two's reader to stop", () => liveLogTailCount() === before);
});

for (const serving of servings) {
  test(`${serving.name}: a viewer that stops reading does not hold up the others, and gets every line in order once it reads again`, async () => {
    const { actor, build } = await runningBuild("slow-reader");
    const { request } = await import("node:http");
    // A client that reads nothing until told to: its socket and the app's per-client buffer fill up.
    let slowText = "";
    const slowResponse = await new Promise<import("node:http").IncomingMessage>((resolve) =>
      request(`${serving.url()}/api/builds/${build.id}/events`, { headers: { cookie: actor.cookie } }, resolve).end(),
    );
    slowResponse.pause();
    const fast = await open(build.id, actor.cookie, serving.url());
    // 16 MB: more than the app's per-client buffer and the loopback socket's together.
    const lines = 8000;
    const pad = "x".repeat(2000);
    for (let i = 0; i < lines; i += 200) {
      const pipeline = getRedis().pipeline();
      for (let j = i; j < i + 200; j++) pipeline.xadd(buildLogKey(build.id), "*", "type", "line", "text", `line ${j} ${pad}`);
      await pipeline.exec();
    }
    await getRedis().xadd(buildLogKey(build.id), "*", "type", "end", "status", "SUCCEEDED", "reason", "");
    await waitFor("the reading viewer to get the end", () => fast.text().includes("event: end"));
    assert.equal(eventsOf(fast.text()).filter((e) => e.event === "line").length, lines);
    slowResponse.setEncoding("utf8");
    slowResponse.on("data", (chunk: string) => (slowText += chunk));
    await new Promise((resolve) => slowResponse.once("end", resolve).resume());
    const got = eventsOf(slowText)
      .filter((e) => e.event === "line")
      .map((e) => Number(/^line (\d+)/.exec(String(e.data.text))![1]));
    assert.deepEqual(
      got,
      Array.from({ length: lines }, (_, i) => i),
      "every line once, in order",
    );
    assert.match(slowText, /event: end/);
  });
}

test("one connection for a page: a build's log and other builds' phases and ends arrive on it, each event naming its build; someone else's build ends at once as UNKNOWN", async () => {
  const { actor, build } = await runningBuild("hub");
  const [revisionId] = await makeRevisions(actor, 1);
  const others = await Promise.all(
    [1, 2].map(() =>
      getDb().build.create({
        data: { requestedById: actor.id, revisionId: revisionId!, channel: "mini", channelRevision: "t", arch: "x86_64", configHash: "h", status: "QUEUED" },
      }),
    ),
  );
  const stranger = await runningBuild("hub-stranger");
  const first = await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "before the page");
  await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "resumed from here");
  const controller = new AbortController();
  controllers.push(controller);
  const query = `log=${build.id}:${first}&status=${others.map((b) => b.id).join(",")},${stranger.build.id}`;
  const response = await fetch(`${app.appUrl}/api/builds/live?${query}`, { headers: { cookie: actor.cookie }, signal: controller.signal });
  assert.equal(response.status, 200);
  let text = "";
  void (async () => {
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  })().catch(() => {});
  await waitFor("a status event for each of the four builds", () => eventsOf(text).filter((e) => e.event === "status").length === 4);
  await waitFor("the stranger's build to end as UNKNOWN", () => eventsOf(text).some((e) => e.event === "end" && e.data.build === stranger.build.id));
  await getRedis().xadd(buildLogKey(others[0]!.id), "*", "type", "line", "text", "a status watcher does not get lines");
  await getRedis().xadd(buildLogKey(others[0]!.id), "*", "type", "phase", "phase", "preparing", "progress", "0.1", "detail", "");
  await getRedis().xadd(buildLogKey(others[1]!.id), "*", "type", "end", "status", "CANCELLED", "reason", "");
  await getRedis().xadd(buildLogKey(build.id), "*", "type", "line", "text", "live line");
  await waitFor("the log line, the phase and the end", () => {
    const events = eventsOf(text);
    return (
      events.some((e) => e.event === "line" && e.data.text === "live line") &&
      events.some((e) => e.event === "phase" && e.data.build === others[0]!.id) &&
      events.some((e) => e.event === "end" && e.data.build === others[1]!.id && e.data.status === "CANCELLED")
    );
  });
  const events = eventsOf(text);
  assert.deepEqual(
    events.filter((e) => e.event === "line").map((e) => [e.data.build, e.data.text]),
    [
      [build.id, "resumed from here"],
      [build.id, "live line"],
    ],
  );
  assert.ok(events.every((e) => typeof e.data.build === "string"));
  assert.equal(events.find((e) => e.event === "end" && e.data.build === stranger.build.id)!.data.status, "UNKNOWN", "nothing of someone else's build is read");
  controller.abort();
});
