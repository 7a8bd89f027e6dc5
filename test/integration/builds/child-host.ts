// A build host as its own process, so a test can kill -9 it. Env as worker/env.ts, plus FAKE_BUILD_MS.
import { getWorkerEnv } from "@/worker/env";
import { startBuildHost } from "@/worker/host";
import { fakeBuild } from "./fake-build";

const env = getWorkerEnv();
await startBuildHost({ env, runBuild: fakeBuild({ durationMs: Number(process.env.FAKE_BUILD_MS ?? 500) }), log: (m) => console.log(m) });
console.log("host ready");
