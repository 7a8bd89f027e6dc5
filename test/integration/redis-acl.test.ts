// A build host's own Redis user: a real BullMQ Worker on it takes, locks, extends, completes and retries jobs of
// its arch's queue, and everything else a malicious host might try with those credentials is refused by Redis.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import { after, before, test } from "node:test";
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { buildQueueName } from "@/contracts/jobs";
import { buildLogKey } from "@/lib/log-stream";

/** The pub/sub channel cancels once went over (hosts now learn of them over HTTP): a host may use no channel at all. */
const CANCEL_CHANNEL = "zxcv:builds:cancel";
import { hashSecret, newSecret } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db";
import { deleteHostRedisUser, hostRedisUrl, hostRedisUser, setHostRedisUser, syncHostRedisUsers } from "@/lib/redis-acl";
import { getRedis } from "@/lib/redis";
import { checkRedisUrl } from "@/scripts/stack/redis";
import { waitFor } from "@/test/support/wait";

// The host builds aarch64: the x86_64 queue is "another arch's".
const ARCH = "aarch64";
const admin = () => getRedis();
const clients: Redis[] = [];
let host: { id: string; token: string; url: string };

function connect(url: string, options: { maxRetriesPerRequest?: number | null } = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, ...options });
  // Refusals are asserted on the commands; a connection cut off on purpose may log reconnect errors here.
  client.on("error", () => undefined);
  clients.push(client);
  return client;
}

async function makeHost(arch = ARCH) {
  const token = newSecret("zxh");
  const row = await getDb().buildHost.create({ data: { name: `acl-${randomUUID().slice(0, 8)}`, arch, tokenHash: hashSecret(token) } });
  await setHostRedisUser({ hostId: row.id, arch, tokenHash: row.tokenHash });
  return { id: row.id, token, url: hostRedisUrl({ hostId: row.id, token }) };
}

/** AUTH as a host on a raw socket (ioredis hides the reply): resolves when Redis answers +OK, else rejects with its reply. */
async function authenticate(hostId: string, token: string): Promise<void> {
  const url = new URL(hostRedisUrl({ hostId, token }));
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) }, () => socket.write(`AUTH ${hostRedisUser(hostId)} ${token}\r\n`));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once("error", reject);
  });
  if (reply !== "+OK") throw new Error(reply);
}

async function aclDenials(user: string): Promise<string[]> {
  const entries = (await admin().call("ACL", "LOG")) as unknown[][];
  return entries
    .map((entry) => Object.fromEntries(Array.from({ length: entry.length / 2 }, (_, i) => [entry[2 * i], entry[2 * i + 1]])) as Record<string, string>)
    .filter((entry) => entry.username === user)
    .map((entry) => `${entry.reason} ${entry.object}`);
}

before(async () => {
  await admin().call("ACL", "LOG", "RESET");
  host = await makeHost();
});

after(async () => {
  for (const client of clients) client.disconnect();
  admin().disconnect();
  await getDb().$disconnect();
});

test("a BullMQ Worker on a host's own Redis user takes, locks, extends, completes and retries jobs, and no BullMQ script leaves its queue's keys", async () => {
  const queue = new Queue(buildQueueName(ARCH), { connection: admin() });
  const seen: string[] = [];
  let failedOnce = false;
  let release!: () => void;
  const longJobMayEnd = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker(
    buildQueueName(ARCH),
    async (job: Job) => {
      seen.push(`${job.id}:${job.attemptsMade}`);
      if (job.id === "retried" && !failedOnce) {
        failedOnce = true;
        throw new Error("first attempt fails");
      }
      if (job.id === "long") await longJobMayEnd;
      await job.updateProgress(50);
      await job.log("a line");
      return `done ${job.id}`;
    },
    // A lock shorter than the long job: BullMQ must extend it (extendLock) or the job would stall.
    { connection: connect(host.url), lockDuration: 1000, stalledInterval: 500, concurrency: 2 },
  );
  const completed = new Map<string, string>();
  const allDone = new Promise<void>((resolve) =>
    worker.on("completed", (job, result) => {
      completed.set(job.id!, result);
      if (completed.size === 3) resolve();
    }),
  );
  const errors: Error[] = [];
  worker.on("error", (error) => errors.push(error));
  await queue.add("build", { buildId: "plain" }, { jobId: "plain", removeOnComplete: true });
  await queue.add(
    "build",
    { buildId: "retried" },
    { jobId: "retried", attempts: 2, backoff: { type: "fixed", delay: 100 }, removeOnComplete: true, removeOnFail: true },
  );
  await queue.add("build", { buildId: "long" }, { jobId: "long", removeOnComplete: true });
  // Hold the long job until its lock has been extended at least twice over its duration.
  const lockKey = `bull:${buildQueueName(ARCH)}:long:lock`;
  await waitFor("the long job's lock", async () => (await admin().exists(lockKey)) === 1);
  const firstTtl = await admin().pttl(lockKey);
  await waitFor("the worker to extend the long job's lock", async () => (await admin().pttl(lockKey)) > firstTtl, 20_000);
  release();
  await allDone;
  assert.deepEqual(Object.fromEntries(completed), { plain: "done plain", retried: "done retried", long: "done long" });
  assert.ok(seen.includes("retried:0") && seen.includes("retried:1"), `the failed job was retried: ${seen.join(", ")}`);
  assert.equal((await queue.getJobCounts("active", "wait", "delayed", "failed")).active, 0);
  await worker.close();
  await queue.close();
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
    "the worker saw no Redis error",
  );
  assert.deepEqual(await aclDenials(hostRedisUser(host.id)), [], "Redis denied nothing to the worker (ACL LOG)");
});

test("with a host's credentials, pub/sub, other builds' log streams, rate-limit keys, FLUSHALL and another arch's queue are refused by Redis", async () => {
  const redis = connect(host.url, { maxRetriesPerRequest: 0 });
  const refused = async (what: string, call: () => Promise<unknown>, why: RegExp) => {
    await assert.rejects(
      call,
      (error: Error) => {
        assert.match(error.message, why, `${what}: ${error.message}`);
        return true;
      },
      what,
    );
  };
  await admin().set("zxcv:rl:sign-in:victim", "9");
  await refused("PUBLISH on a channel", () => redis.publish(CANCEL_CHANNEL, "some-build"), /NOPERM/);
  await refused("SUBSCRIBE to a channel", () => connect(host.url, { maxRetriesPerRequest: 0 }).subscribe(CANCEL_CHANNEL), /NOPERM/);
  await refused("XADD into another build's log", () => redis.xadd(buildLogKey("another-build"), "*", "type", "end", "status", "SUCCEEDED"), /NOPERM/);
  await refused("DEL a rate-limit key", () => redis.del("zxcv:rl:sign-in:victim"), /NOPERM/);
  await refused("FLUSHALL", () => redis.flushall(), /NOPERM/);
  await refused("KEYS *", () => redis.keys("*"), /NOPERM/);
  await refused("CONFIG SET", () => redis.config("SET", "appendonly", "no"), /NOPERM/);
  await refused("ACL SETUSER", () => redis.call("ACL", "SETUSER", hostRedisUser(host.id), "+@all", "~*"), /NOPERM/);
  await refused("another arch's queue", () => redis.lpush(`bull:${buildQueueName("x86_64")}:wait`, "forged"), /NOPERM/);
  await refused("a Lua script reaching outside its keys", () => redis.eval("return redis.call('DEL', 'zxcv:rl:sign-in:victim')", 0), /can't access|NOPERM/);
  const otherQueue = new Queue(buildQueueName("x86_64"), { connection: connect(host.url, { maxRetriesPerRequest: 0 }) });
  await refused("a BullMQ Queue on another arch", () => otherQueue.add("build", { buildId: "forged" }), /NOPERM|No permissions/);
  await otherQueue.close().catch(() => undefined);
  assert.equal(await admin().get("zxcv:rl:sign-in:victim"), "9", "the rate-limit key is untouched");
  assert.equal(await admin().xlen(buildLogKey("another-build")), 0);
  // Its own queue's keys work.
  await redis.hset(`bull:${buildQueueName(ARCH)}:probe`, "ok", "1");
  assert.equal(await redis.hget(`bull:${buildQueueName(ARCH)}:probe`, "ok"), "1");
});

test("rotating a host's token replaces its Redis password, deleting the host's user cuts it off, and a sync rebuilds users from the database", async () => {
  const rotated = await makeHost();
  await authenticate(rotated.id, rotated.token);
  const newToken = newSecret("zxh");
  await getDb().buildHost.update({ where: { id: rotated.id }, data: { tokenHash: hashSecret(newToken) } });
  await setHostRedisUser({ hostId: rotated.id, arch: ARCH, tokenHash: hashSecret(newToken) });
  await assert.rejects(authenticate(rotated.id, rotated.token), /WRONGPASS/, "the old token no longer logs in");
  const fresh = connect(hostRedisUrl({ hostId: rotated.id, token: newToken }), { maxRetriesPerRequest: 0 });
  assert.equal(await fresh.ping(), "PONG");

  await deleteHostRedisUser({ hostId: rotated.id });
  // DELUSER also closes the user's open connections.
  await assert.rejects(fresh.ping());
  fresh.disconnect();
  await assert.rejects(authenticate(rotated.id, newToken), /WRONGPASS/, "a deleted user cannot log in");

  // Redis lost its users (a restart without the ACL file): the app's sync brings them back from the rows, drops the
  // user of a revoked host, and leaves users it does not know alone (another dashboard's, on a shared Redis).
  for (const client of clients.splice(0)) client.disconnect();
  await getDb().buildHost.update({ where: { id: rotated.id }, data: { revokedAt: new Date() } });
  await setHostRedisUser({ hostId: rotated.id, arch: ARCH, tokenHash: hashSecret(newToken) });
  await admin().call("ACL", "DELUSER", hostRedisUser(host.id));
  await admin().call("ACL", "SETUSER", "zxcv-host-of-another-dashboard", "on", ">x");
  await syncHostRedisUsers();
  const users = (await admin().call("ACL", "USERS")) as string[];
  assert.ok(users.includes(hostRedisUser(host.id)), "the existing host's user is back");
  assert.ok(!users.includes(hostRedisUser(rotated.id)), "the revoked host's user is gone");
  assert.ok(users.includes("zxcv-host-of-another-dashboard"), "a user this dashboard does not know is left alone");
  await admin().call("ACL", "DELUSER", "zxcv-host-of-another-dashboard");
  assert.equal(await connect(host.url, { maxRetriesPerRequest: 0 }).ping(), "PONG");
});

test("a REDIS_URL whose user cannot manage ACL users is named at start, with what to do", async () => {
  await admin().call("ACL", "SETUSER", "zxcv-test-limited", "reset", "on", ">limited-pw", "~*", "&*", "+@all", "-@admin");
  const url = new URL(process.env.REDIS_URL!);
  url.username = "zxcv-test-limited";
  url.password = "limited-pw";
  try {
    await assert.rejects(checkRedisUrl(url.toString()), /user "zxcv-test-limited"\) cannot manage ACL users.*\+acl.*or unset REDIS_URL/);
    await checkRedisUrl(process.env.REDIS_URL!);
  } finally {
    await admin().call("ACL", "DELUSER", "zxcv-test-limited");
  }
});
