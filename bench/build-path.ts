// Figures for the build path (not a test). Needs PostgreSQL (seeded), Redis, Nix and QEMU:
//   DATABASE_URL=... REDIS_URL=... node --import tsx bench/build-path.ts
// The app's real route handlers are served over HTTP in this process; one build host runs the real engine.
import { startAppServer } from "../test/integration/builds/harness";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildResultSchema } from "@/contracts/build-result";
import { createBuild } from "@/lib/builds";
import { getDb } from "@/lib/db";
import { closeQueues, getBuildQueue } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { storageKeyFor } from "@/lib/artifacts/storage";
import { buildIso } from "@/worker/engine/build-iso";
import { startBuildHost } from "@/worker/host";
import { hostEnv, makeActor, makeRevisions, waitForStatus } from "../test/integration/builds/fixtures";

const MB = 1024 * 1024;
const app = await startAppServer();
const alice = await makeActor("bench");
const host = await startBuildHost({ env: await hostEnv(app.appUrl, `bench-${Date.now()}`), runBuild: (o) => buildIso(o), log: () => undefined });
const [first, second] = await makeRevisions(alice, 2);

// 1. What a build host receives per job: the job payload from Redis and the claim answer from the app.
const queueEvents = getBuildQueue("x86_64");
const started = performance.now();
const build = await createBuild({ actor: alice, revisionId: first! });
const job = await queueEvents.getJob(build.id);
const jobBytes = job ? Buffer.byteLength(JSON.stringify(job.data)) : NaN;

// 2. Build -> first log line, read as the browser does: Server-Sent Events over HTTP.
const events = await fetch(`${app.appUrl}/api/builds/${build.id}/events`, { headers: { cookie: alice.cookie } });
const reader = events.body!.getReader();
let firstLineMs = NaN;
let buffered = "";
while (Number.isNaN(firstLineMs)) {
  const { value, done } = await reader.read();
  if (done) break;
  buffered += new TextDecoder().decode(value);
  if (buffered.includes("event: line")) firstLineMs = performance.now() - started;
}
await reader.cancel();
const done = await waitForStatus(build.id, "SUCCEEDED", 600_000);
const result = buildResultSchema.parse(done.result);
const claimBytes = Buffer.byteLength(JSON.stringify({ attempt: 1, attemptToken: "zxa_" + "x".repeat(43) }));

// 3. A second Build of the same selection: resolved to the existing ISO, downloadable at once.
const reuseStarted = performance.now();
const reused = await createBuild({ actor: alice, revisionId: second! });
const iso = await getDb().artifact.findFirstOrThrow({ where: { buildId: reused.reusedFromId!, kind: "ISO" } });
const head = await fetch(`${app.appUrl}/api/artifacts/${iso.id}`, { headers: { cookie: alice.cookie, range: "bytes=0-0" } });
await head.arrayBuffer();
const reuseMs = performance.now() - reuseStarted;
await host.close();

// 4. The app's memory while serving a 1 GB download (the client is curl, in another process).
const bigKey = storageKeyFor({ buildId: done.id, attempt: 99, kind: "ISO" });
const bigPath = join(process.env.ARTIFACT_DIR!, bigKey);
await mkdir(dirname(bigPath), { recursive: true });
const file = await open(bigPath, "w");
const chunk = randomBytes(MB);
for (let i = 0; i < 1024; i++) await file.write(chunk);
await file.close();
const big = await getDb()
  .artifact.create({
    data: { buildId: reused.reusedFromId!, kind: "LOG", fileName: "big.bin", sizeBytes: BigInt(1024 * MB), sha256: "0".repeat(64), storageKey: bigKey },
  })
  .catch(async () => {
    await getDb().artifact.deleteMany({ where: { buildId: reused.reusedFromId!, kind: "LOG" } });
    return getDb().artifact.create({
      data: { buildId: reused.reusedFromId!, kind: "LOG", fileName: "big.bin", sizeBytes: BigInt(1024 * MB), sha256: "0".repeat(64), storageKey: bigKey },
    });
  });
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const downloadStarted = performance.now();
await new Promise<void>((resolve, reject) => {
  const curl = spawn("curl", ["-sS", "-o", "/dev/null", "-H", `cookie: ${alice.cookie}`, `${app.appUrl}/api/artifacts/${big.id}`]);
  curl.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
});
const downloadSeconds = (performance.now() - downloadStarted) / 1000;
clearInterval(sampler);
await rm(bigPath, { force: true });

const rows: [string, string][] = [
  ["bytes sent to a build host per job (job payload + claim answer)", `${jobBytes + claimBytes} B (job ${jobBytes} B, claim ${claimBytes} B)`],
  ["  for comparison: the ISO's input closure the host realised itself", `${(result.inputClosureBytes / MB).toFixed(1)} MB`],
  ["Build -> first log line over SSE", `${firstLineMs.toFixed(0)} ms`],
  ["whole build (real engine, boot test included)", `${((performance.now() - started) / 1000).toFixed(1)} s incl. the rest`],
  ["reused Build -> first byte of its ISO", `${reuseMs.toFixed(0)} ms`],
  [
    "app RSS while serving a 1 GB download",
    `baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${((peak - baseline) / MB).toFixed(0)} MB), ${(1024 / downloadSeconds).toFixed(0)} MB/s`,
  ],
];
for (const [label, value] of rows) console.log(`${label.padEnd(68)} ${value}`);

await app.close();
await closeQueues();
getRedis().disconnect();
await getDb().$disconnect();
// Something (the build host's timers or sockets) keeps the loop alive once the figures are printed.
process.exit(0);
