// The running app's edges, as `npm start` serves them: security headers on the raw responses (read with curl),
// a 1 GB body to a host route refused before it is read, and a cross-origin write with a session cookie refused.
// Run: npm test -- test/stack/edges (it starts the stack and sets BASE_URL, DATABASE_URL and REDIS_URL).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { buildLogKey } from "@/lib/log-stream";
import { getDb } from "@/lib/db";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl } from "@/test/support/cli";

let baseUrl: string;
let ada: TestPerson;
let buildId: string;
const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });

before(async () => {
  baseUrl = requireBaseUrl();
  ada = await makePerson("edges");
  const machine = await getDb().machine.create({ data: { ownerId: ada.actor.id, name: "edges", arch: "x86_64" } });
  const profile = await getDb().profile.create({ data: { machineId: machine.id, name: "p", channel: "mini" } });
  const revision = await getDb().profileRevision.create({ data: { profileId: profile.id, number: 1, selection: {}, configHash: "0".repeat(64) } });
  const build = await getDb().build.create({
    data: {
      requestedById: ada.actor.id,
      revisionId: revision.id,
      channel: "mini",
      channelRevision: "test",
      arch: "x86_64",
      configHash: revision.configHash,
      status: "RUNNING",
      startedAt: new Date(),
    },
  });
  buildId = build.id;
  await redis.xadd(buildLogKey(buildId), "*", "type", "line", "text", "<script>alert(1)</script>");
});

after(async () => {
  await redis.del(buildLogKey(buildId));
  redis.disconnect();
  await deletePeople([ada]);
  await getDb().$disconnect();
});

/** The response head exactly as the server sent it: curl, not fetch (which hides and merges headers). */
function rawHeaders(path: string, extra: string[] = []): Map<string, string> {
  const head = execFileSync("curl", ["-s", "-D", "-", "-o", "/dev/null", ...extra, `${baseUrl}${path}`], { encoding: "utf8" });
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  headers.set(":status", head.split(" ")[1] ?? "");
  return headers;
}

test("a page, an API route and the log download carry the security headers", () => {
  const page = rawHeaders("/sign-in");
  assert.equal(page.get(":status"), "200");
  assert.match(page.get("content-security-policy") ?? "", /script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  assert.match(page.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.notEqual(rawHeaders("/sign-in").get("content-security-policy"), page.get("content-security-policy"), "a fresh nonce per request");

  const api = rawHeaders("/api/v1/me");
  assert.equal(api.get(":status"), "401");
  const log = rawHeaders(`/api/v1/builds/${buildId}/log`, ["-H", `cookie: ${ada.sessionCookie}`]);
  assert.equal(log.get(":status"), "200");
  assert.match(log.get("content-type") ?? "", /^text\/plain/);
  for (const [what, headers] of [
    ["page", page],
    ["API route", api],
    ["log download", log],
  ] as const) {
    assert.equal(headers.get("x-content-type-options"), "nosniff", what);
    assert.equal(headers.get("x-frame-options"), "DENY", what);
    assert.equal(headers.get("referrer-policy"), "strict-origin-when-cross-origin", what);
    assert.match(headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/, what);
    // The stack's APP_URL is http: no HSTS (a browser would refuse plain http to this host for a year).
    assert.equal(headers.get("strict-transport-security"), undefined, what);
  }
  assert.match(log.get("content-security-policy") ?? "", /default-src 'none'.*sandbox/, "a log opened in the browser can run nothing");
});

function appRssKb(): number {
  const port = new URL(baseUrl).port;
  const listening = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(listening)?.[1];
  assert.ok(pid, `no process listens on ${port}: ${listening}`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
}

test("a 1 GB body to a host route without a valid token gets its 401 after a small part was sent, and the app's memory stays flat", async (t) => {
  const GIB = 1024 ** 3;
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  const rssBefore = appRssKb();
  const { status, body, sentWhenAnswered } = await new Promise<{ status: number; body: string; sentWhenAnswered: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(`${baseUrl}/api/host/register`, {
      method: "POST",
      headers: { authorization: "Bearer zxh_forged", "content-type": "application/json", "content-length": String(GIB) },
    });
    req.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: text, sentWhenAnswered });
      });
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    // Streamed from one 256 KB buffer, never allocated whole; stops as soon as the answer is in.
    const pump = () => {
      while (!answered && sent < GIB) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
    };
    pump();
  });
  assert.equal(status, 401);
  assert.match(JSON.parse(body).error.message, /host token is not valid/);
  assert.ok(sentWhenAnswered < 64 * 1024 * 1024, `the answer came after ${Math.round(sentWhenAnswered / 1024 / 1024)} MB of 1024 MB`);
  const grewMb = (appRssKb() - rssBefore) / 1024;
  t.diagnostic(
    `answered after ${(sentWhenAnswered / 1024 / 1024).toFixed(1)} MB of 1024 MB sent; app RSS ${(rssBefore / 1024).toFixed(0)} MB, grew ${grewMb.toFixed(1)} MB`,
  );
  assert.ok(grewMb < 100, `the app's RSS grew by ${grewMb.toFixed(0)} MB`);
});

test("a cross-origin POST with a valid session cookie is refused by the running app", async () => {
  const response = await fetch(`${baseUrl}/api/v1/machines`, {
    method: "POST",
    headers: { cookie: ada.sessionCookie, origin: "https://evil.example", "content-type": "application/json" },
    body: JSON.stringify({ name: "stolen", arch: "x86_64" }),
  });
  assert.equal(response.status, 403);
  assert.match((await response.json()).error.message, /Cross-origin request refused/);
  assert.equal(await getDb().machine.count({ where: { ownerId: ada.actor.id, name: "stolen" } }), 0);
});
