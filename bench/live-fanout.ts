// Live logs at scale, against the running app: 200 browsers' connections (/api/builds/live, as the page's hub
// opens it) watch one build while this process, acting as its build host, sends log lines over the host API. Each
// line carries the time it was sent; each client notes when it arrived. Also: the Redis connections the 200
// viewers add (one reader per build is the design), and the app's memory before, with the viewers, and after.
import { request, type IncomingMessage } from "node:http";
import { Redis } from "ioredis";
import type { Actor } from "../lib/auth/actor";
import { figure, treeRssBytes, type Figure } from "./support";

const GROUP = "live log (loopback)";
const VIEWERS = 200;
const LINES = 100;
const EVERY_MS = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function redisClients(redis: Redis): Promise<number> {
  return String(await redis.client("LIST"))
    .trim()
    .split("\n").length;
}

/** One viewer: a raw SSE connection whose `line` events' delays (now minus the time in the line) are collected. */
function viewer(url: string, cookie: string, delays: number[]): Promise<{ response: IncomingMessage; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { cookie, accept: "text/event-stream" } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`a viewer got HTTP ${response.statusCode}`));
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        const now = performance.timeOrigin + performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith("event: line")) continue;
          const sent = /"text":"sent at ([\d.]+)/.exec(block);
          if (sent) delays.push(now - Number(sent[1]));
        }
      });
      resolve({ response, ended: new Promise((done) => response.once("close", () => done())) });
    });
    req.once("error", reject);
    req.end();
  });
}

export async function benchLiveFanout(options: {
  appUrl: string;
  appPid: number;
  actor: Actor;
  cookie: string;
  revisionId: string;
  log?: (s: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const { createBuild } = await import("../lib/builds");
  const { ensureLocalBuildHost } = await import("../lib/hosts");
  const { AppClient } = await import("../worker/app-client");
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    const build = await createBuild({ actor: options.actor, revisionId: options.revisionId });
    if (build.status !== "QUEUED") throw new Error(`the fan-out build is ${build.status}, not queued`);
    const host = new AppClient(options.appUrl, await ensureLocalBuildHost({ name: `bench-fanout-${Date.now()}`, arch: "x86_64" }));
    await host.register({ name: `bench-fanout`, arch: "x86_64", capacity: 1, nixVersion: null }).catch(() => undefined);
    const claim = await host.claim(build.id, 1);
    const attempt = { buildId: build.id, attempt: claim.attempt, token: claim.attemptToken };

    const rssBefore = treeRssBytes(options.appPid);
    const redisBefore = await redisClients(redis);
    log(`live log: ${VIEWERS} viewers of one build`);
    const delays: number[] = [];
    const viewers = [];
    for (let i = 0; i < VIEWERS; i++) viewers.push(await viewer(`${options.appUrl}/api/builds/live?log=${build.id}:0`, options.cookie, delays));
    // Every viewer has joined once one line sent now reached all of them.
    await host.log(attempt, ["sent at 0 (warm-up)"]);
    const deadline = Date.now() + 30_000;
    while (delays.length < VIEWERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    delays.length = 0;
    const redisDuring = await redisClients(redis);
    const rssWithViewers = treeRssBytes(options.appPid);

    log(`live log: ${LINES} lines, one every ${EVERY_MS} ms`);
    for (let i = 0; i < LINES; i++) {
      await host.log(attempt, [`sent at ${performance.timeOrigin + performance.now()} line ${i}`]);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    const waitAll = Date.now() + 30_000;
    while (delays.length < VIEWERS * LINES && Date.now() < waitAll) await new Promise((r) => setTimeout(r, 20));
    const received = delays.length;
    const rssAfter = treeRssBytes(options.appPid);
    await host.fail(attempt, { step: "bench", message: "the live-log benchmark is over", tail: [] });
    await Promise.all(viewers.map((v) => Promise.race([v.ended, new Promise((r) => setTimeout(r, 10_000))])));
    for (const v of viewers) v.response.destroy();

    delays.sort((a, b) => a - b);
    const rss = rssBefore ? { name: "before the viewers", value: rssBefore } : undefined;
    return [
      figure(GROUP, `${VIEWERS} viewers of one build: line sent by the host -> received, p50`, percentile(delays, 50), "ms", {
        note: `${received} of ${VIEWERS * LINES} line deliveries; the host is this process, posting to the host API`,
      }),
      figure(GROUP, `${VIEWERS} viewers of one build: line sent -> received, p99`, percentile(delays, 99), "ms", {
        note: `max ${delays.at(-1)?.toFixed(0)} ms`,
      }),
      figure(GROUP, `Redis connections added for ${VIEWERS} viewers`, redisDuring - redisBefore, "n", {
        note: "one reader per watched build, shared by its viewers",
      }),
      figure(GROUP, `app memory (RSS) with ${VIEWERS} viewers connected`, rssWithViewers, "B", { baseline: rss }),
      figure(GROUP, `app memory (RSS) after ${LINES} lines to ${VIEWERS} viewers`, rssAfter, "B", { baseline: rss }),
    ];
  } finally {
    redis.disconnect();
  }
}
