// npm run bench:remote — the side by side: `nix-build --builders ssh-ng://...` against this project's path.
//
// Two separate Nix stores on this machine play the laptop and the build host. The builder is reached over SSH on
// loopback (Debian's sshd, private config, generated keys under .state/bench/), through a TCP proxy that counts the
// bytes crossing each way. Same `mini` ISO (the catalog's default selection), no boot test on either side.
//   (a) nix-build --store <laptop> --max-jobs 0 --builders ssh-ng://bench-builder: the laptop holds the sources
//       (the pinned .debs, seeded from the machine's download cache, as a laptop would download them), sends every
//       input the builder lacks, and receives every output back.
//   (b) this project: the control plane enqueues the job (lib/queue.ts, a real BullMQ job in Redis); the host
//       realises it in its own store (worker/engine buildIso), seeding the debs from its own cache.
// Cold builder = empty store. Warm builder = the same builder store after (a) cold / (b) cold; for (a) the laptop
// is a fresh, empty store again (a second laptop, or the same after a garbage collection).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { buildJobSchema, buildQueueName, type BuildJob } from "../contracts/jobs";
import { canonicalSelectionJson, defaultSelection, type Selection } from "../contracts/selection";
import { ensureDebianPackages, requiredDebianPackages } from "../scripts/stack/apt";
import { freePort, waitForPort } from "../scripts/stack/ports";
import { buildIso } from "../worker/engine/build-iso";
import { channelDir, loadCatalog } from "../worker/engine/channels";
import { nixEnv, runOrThrow } from "../worker/engine/nix";
import { seedStore, stateDir } from "../worker/engine/seed";
import { diskBytes, figure, startCountingProxy, timed, type CountingProxy, type Figure } from "./support";

const GROUP = "remote build, same ISO";

type Ssh = { sshConfig: string; proxy: CountingProxy; stop: () => Promise<void> };

/** A private sshd on a free loopback port, with its own host key and one authorized key; nothing system-wide changes. */
async function startPrivateSshd(dir: string): Promise<Ssh> {
  mkdirSync(dir, { recursive: true });
  for (const key of ["host_key", "client_key"]) {
    rmSync(join(dir, key), { force: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, key)]);
  }
  execFileSync("cp", [join(dir, "client_key.pub"), join(dir, "authorized_keys")]);
  const port = await freePort();
  const sshdConfig = join(dir, "sshd_config");
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      // .state/ is not owned the way sshd's strict checks want; the key and config are ours alone.
      "StrictModes no",
      `PidFile ${join(dir, "sshd.pid")}`,
      "Compression no",
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true }); // sshd's privilege-separation directory
  const sshd: ChildProcess = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", sshdConfig], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  sshd.stderr!.on("data", (c) => (stderr += c));
  await Promise.race([
    waitForPort(port, "127.0.0.1", 10_000),
    new Promise((_, reject) => sshd.once("exit", () => reject(new Error(`sshd exited: ${stderr.trim()}`)))),
  ]);
  const proxy = await startCountingProxy(port);
  const sshConfig = join(dir, "ssh_config");
  writeFileSync(
    sshConfig,
    [
      "Host bench-builder",
      "  HostName 127.0.0.1",
      `  Port ${proxy.port}`,
      "  User root",
      `  IdentityFile ${join(dir, "client_key")}`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking no",
      `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
      "  BatchMode yes",
      "  Compression no",
      "",
    ].join("\n"),
  );
  return {
    sshConfig,
    proxy,
    stop: async () => {
      await proxy.close();
      if (sshd.exitCode === null) {
        sshd.kill("SIGTERM");
        await new Promise((r) => sshd.once("exit", r));
      }
    },
  };
}

/** The builder's side of ssh-ng: its own nix-daemon on stdio, on its own store, with the project's nix.conf. */
function writeBuilderDaemon(dir: string, builderStore: string): string {
  const file = join(dir, `nix-daemon-${builderStore.split("/").pop()}.sh`);
  writeFileSync(file, `#!/bin/sh\nexport NIX_CONF_DIR='${nixEnv().NIX_CONF_DIR}'\nexec /usr/bin/nix-daemon --store '${builderStore}' "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

function forgetStore(store: string): void {
  rmSync(store, { recursive: true, force: true });
}

async function nixBuildWithBuilders(o: { ssh: Ssh; laptop: string; builder: string; selectionFile: string; dir: string; log: (s: string) => void }) {
  const daemon = writeBuilderDaemon(o.dir, o.builder);
  o.ssh.proxy.reset();
  const logFile = join(o.dir, "nix-build.log");
  const run = await timed(async () => {
    // The laptop must hold the sources before it can send them: a real laptop downloads them, here they come from
    // the machine's .deb cache.
    const drv = await runOrThrow("nix-instantiate", [
      "--store",
      o.laptop,
      join(channelDir("mini"), "default.nix"),
      "--argstr",
      "selectionFile",
      o.selectionFile,
    ]);
    await seedStore(drv.trim().split("\n").pop()!, { store: o.laptop });
    const sourcesBytes = diskBytes(join(o.laptop, "nix", "store"));
    await runOrThrow(
      "nix-build",
      [
        "--store",
        o.laptop,
        join(channelDir("mini"), "default.nix"),
        "--argstr",
        "selectionFile",
        o.selectionFile,
        "--no-out-link",
        "--max-jobs",
        "0",
        "--builders",
        `ssh-ng://bench-builder?remote-program=${daemon} x86_64-linux - 2 1 - - -`,
      ],
      { env: { ...nixEnv(), NIX_SSHOPTS: `-F ${o.ssh.sshConfig}` }, onLine: (line) => appendFileSync(logFile, `${line}\n`) },
    );
    return sourcesBytes;
  });
  const out = {
    seconds: run.seconds,
    up: o.ssh.proxy.counts.up,
    down: o.ssh.proxy.counts.down,
    laptopStoreBytes: diskBytes(join(o.laptop, "nix", "store")),
    sourcesBytes: run.value,
  };
  o.log(`nix-build --builders: ${out.seconds.toFixed(1)} s, ${out.up} B up, ${out.down} B down, laptop store +${out.laptopStoreBytes} B`);
  return out;
}

/** Enqueues the job exactly as the app does and measures what a host fetches: the BullMQ job hash in Redis. */
async function enqueueAndMeasureJob(redisUrl: string): Promise<{ jobJsonBytes: number; redisHashBytes: number }> {
  // lib/env validates the whole app configuration; the queue itself needs only Redis.
  process.env.REDIS_URL = redisUrl;
  process.env.DATABASE_URL ??= "postgresql://unused@127.0.0.1/unused";
  const { enqueueBuildJob, closeQueues } = await import("../lib/queue");
  // The job names the build only: the host claims the selection over HTTP, so the job's size does not depend on it.
  const arch = "x86_64";
  const job: BuildJob = buildJobSchema.parse({ v: 2, buildId: `bench-${randomBytes(6).toString("hex")}`, attempt: 1 });
  await enqueueBuildJob({ arch, job });
  const redis = new Redis(redisUrl);
  try {
    const key = `bull:${buildQueueName(arch)}:${job.buildId}`;
    const hash = await redis.hgetall(key);
    const redisHashBytes = Object.entries(hash).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    await redis.del(key);
    await redis.zrem(`bull:${buildQueueName(arch)}:prioritized`, job.buildId);
    await redis.lrem(`bull:${buildQueueName(arch)}:wait`, 0, job.buildId);
    return { jobJsonBytes: Buffer.byteLength(JSON.stringify(job)), redisHashBytes };
  } finally {
    redis.disconnect();
    await closeQueues();
  }
}

async function thisDesign(o: { redisUrl: string; host: string; selection: Selection; dir: string; log: (s: string) => void }) {
  const run = await timed(async () => {
    const job = await enqueueAndMeasureJob(o.redisUrl);
    const result = await buildIso({ selection: o.selection, store: o.host, workDir: join(o.dir, "work"), bootTest: false });
    return { ...job, isoBytes: result.isoSizeBytes, built: result.builtDerivations };
  });
  o.log(`this design: ${run.seconds.toFixed(1)} s, job ${run.value.redisHashBytes} B in Redis, built ${run.value.built} derivations`);
  return { seconds: run.seconds, ...run.value };
}

export async function benchRemoteBuild(options: { redisUrl: string; log?: (s: string) => void }): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  ensureDebianPackages(requiredDebianPackages(resolve("scripts/apt-packages-bench.txt")));
  const dir = resolve(stateDir(), "bench", "remote-build");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const selection = defaultSelection(loadCatalog("mini"));
  const selectionFile = join(dir, "selection.json");
  writeFileSync(selectionFile, canonicalSelectionJson(selection));
  const stores = { laptopCold: join(dir, "laptop-1"), laptopWarm: join(dir, "laptop-2"), builder: join(dir, "builder"), host: join(dir, "host") };
  const ssh = await startPrivateSshd(join(dir, "ssh"));
  try {
    log("(a) nix-build --builders, cold builder");
    const aCold = await nixBuildWithBuilders({ ssh, laptop: stores.laptopCold, builder: stores.builder, selectionFile, dir, log });
    log("(a) nix-build --builders, warm builder, fresh laptop");
    const aWarm = await nixBuildWithBuilders({ ssh, laptop: stores.laptopWarm, builder: stores.builder, selectionFile, dir, log });
    const builderBytes = diskBytes(join(stores.builder, "nix", "store"));
    log("(b) this design, cold host");
    const bCold = await thisDesign({ redisUrl: options.redisUrl, host: stores.host, selection, dir, log });
    log("(b) this design, warm host");
    const bWarm = await thisDesign({ redisUrl: options.redisUrl, host: stores.host, selection, dir, log });
    const hostBytes = diskBytes(join(stores.host, "nix", "store"));

    const nb = "nix-build --builders";
    const b = (name: string, value: number) => ({ name, value });
    return [
      figure(GROUP, `${nb}, cold builder: laptop -> builder`, aCold.up, "B", { note: "ssh bytes through the counting proxy" }),
      figure(GROUP, `${nb}, cold builder: builder -> laptop`, aCold.down, "B"),
      figure(GROUP, `${nb}, cold builder: added to laptop store`, aCold.laptopStoreBytes, "B", {
        note: `of which ${aCold.sourcesBytes} B pinned sources the laptop must hold`,
      }),
      figure(GROUP, `${nb}, cold builder: wall time`, aCold.seconds, "s", { note: "seeding the laptop's sources + nix-build" }),
      figure(GROUP, `${nb}, warm builder: laptop -> builder`, aWarm.up, "B", { note: "fresh laptop store, builder already built it" }),
      figure(GROUP, `${nb}, warm builder: builder -> laptop`, aWarm.down, "B"),
      figure(GROUP, `${nb}, warm builder: added to laptop store`, aWarm.laptopStoreBytes, "B"),
      figure(GROUP, `${nb}, warm builder: wall time`, aWarm.seconds, "s"),
      figure(GROUP, "builder store after (a)", builderBytes, "B"),
      figure(GROUP, "this design, cold host: control plane -> host", bCold.redisHashBytes, "B", {
        baseline: b("nix-build cold", aCold.up),
        note: `the BullMQ job hash in Redis (job data JSON ${bCold.jobJsonBytes} B); host seeds debs from its own cache`,
      }),
      figure(GROUP, "this design, cold host: added to control plane's store", 0, "B", {
        baseline: b("nix-build cold", aCold.laptopStoreBytes),
        note: "the control plane has no Nix store",
      }),
      figure(GROUP, "this design, cold host: wall time", bCold.seconds, "s", {
        baseline: b("nix-build cold", aCold.seconds),
        note: "enqueue + buildIso on the host's store, no boot test",
      }),
      figure(GROUP, "this design, warm host: control plane -> host", bWarm.redisHashBytes, "B", { baseline: b("nix-build warm", aWarm.up) }),
      figure(GROUP, "this design, warm host: wall time", bWarm.seconds, "s", { baseline: b("nix-build warm", aWarm.seconds) }),
      figure(GROUP, "this design: ISO the laptop downloads (optional)", bCold.isoBytes, "B", {
        baseline: b("nix-build cold, to laptop", aCold.down),
        note: "builder -> laptop when the ISO is downloaded",
      }),
      figure(GROUP, "host store after (b)", hostBytes, "B", { baseline: b("builder after (a)", builderBytes) }),
    ];
  } finally {
    await ssh.stop();
    for (const store of Object.values(stores)) forgetStore(store);
  }
}

// Run alone: a private throw-away Redis for the job measurement.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { startPrivateRedis } = await import("../scripts/stack/redis");
  const { printTable } = await import("./table");
  const redis = await startPrivateRedis({ dir: join(stateDir(), "bench", "redis"), port: await freePort(), persistent: false });
  try {
    printTable(await benchRemoteBuild({ redisUrl: redis.url, log: (s) => console.error(`[bench] ${s}`) }));
  } finally {
    await redis.stop();
  }
}
