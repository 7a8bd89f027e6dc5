// A build host: `npm run worker [-- --idle-exit 10m] [--max-runtime 5h]` (REDIS_URL, APP_URL, ZXCV_HOST_TOKEN,
// ZXCV_HOST_NAME; see worker/env.ts and worker/lifetime.ts).
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { buildIso, killLeftovers } from "./engine/build-iso";
import { channelRevision, loadCatalog } from "./engine/channels";
import { nixVersion } from "./engine/nix";
import { getWorkerEnv } from "./env";
import { startBuildHost } from "./host";
import { parseLifetimeArgs, watchLifetime } from "./lifetime";
import type { RunBuild } from "./run-job";

const runBuild: RunBuild = (options) => buildIso(options);

async function main() {
  const lifetime = parseLifetimeArgs(process.argv.slice(2));
  const env = getWorkerEnv();
  env.ZXCV_WORK_DIR = resolve(env.ZXCV_WORK_DIR);
  await mkdir(env.ZXCV_WORK_DIR, { recursive: true });
  for (const pid of killLeftovers(env.ZXCV_WORK_DIR)) console.log(`[worker] killed pid ${pid}, left running by a previous worker`);
  const version = await nixVersion().catch(() => null);
  // Read the catalog and hash the checkout once now (about a second for mini's generated catalog), not in the first
  // build before its first log line.
  loadCatalog("mini");
  channelRevision("mini");
  const host = await startBuildHost({ env, runBuild, nixVersion: version });
  // A revoked token: the host already said why in one line; exit non-zero so a supervisor does not loop on it.
  void host.stopped.then(() => process.exit(1));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`[worker] ${signal}: finishing running builds, taking no new ones`);
    await host.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  watchLifetime({ host, lifetime, env, log: (m) => console.log(`[worker] ${m}`), exit: (code) => process.exit(code) });
}

main().catch((error) => {
  console.error(`[worker] ${(error as Error).message}`);
  process.exit(1);
});
