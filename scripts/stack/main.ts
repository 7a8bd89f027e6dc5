// `npm start`: brings the whole local stack up and keeps it in the foreground. Ctrl-C stops everything it started.
import { existsSync, readFileSync } from "node:fs";
import { ensureDebianPackages, requiredDebianPackages } from "./apt";
import { buildApp, prepareDatabase, startApp, startLocalWorker } from "./app";
import { isPortFree } from "./ports";
import { takeOverShutdownSignals } from "./postgres";
import path from "node:path";
import { startStackServices, stateDir, type Services } from "./services";
import { stopManaged, type Managed } from "./processes";
import { StackError, say } from "./log";
import { supervise, type Supervised } from "./supervise";

/** Reads KEY=VALUE lines from .env into the environment, without overriding what is already set. */
function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && process.env[match[1]!] === undefined) process.env[match[1]!] = match[2]!.replace(/^["']|["']$/g, "");
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  let services: Services | undefined;
  const children: Managed[] = [];
  let worker: Supervised | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    // In order: the build host, then the web app, then Redis and PostgreSQL.
    await worker?.stop();
    for (const child of children.reverse()) await stopManaged(child);
    await services?.stop();
    say("stopped");
    process.exit(code);
  };
  takeOverShutdownSignals(() => void shutdown(0));

  try {
    const port = Number(process.env.PORT ?? 3000);
    // Only this machine unless HOST says otherwise: an http dashboard should not be open to the network by default.
    const host = process.env.HOST ?? "127.0.0.1";
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new StackError(`PORT=${process.env.PORT} is not a port number: use 1-65535`);
    if (!(await isPortFree(port, host))) throw new StackError(`port ${port} is in use: stop what uses it or start with PORT=<another port> npm start`);
    ensureDebianPackages(requiredDebianPackages());
    services = await startStackServices(process.env);
    const appUrl = process.env.APP_URL ?? `http://127.0.0.1:${port}`;
    const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, APP_URL: appUrl, NODE_ENV: "production" as const };
    prepareDatabase(env);
    buildApp(env);
    const app = await startApp({ env, port, host });
    children.push(app);
    void app.exited.then((code) => {
      if (stopping) return;
      say(`the web app exited unexpectedly (code ${code}); stopping the stack`);
      void shutdown(1);
    });
    // The local build host is supervised: when it dies it is started again, and the dashboard stays up.
    // ZXCV_LOCAL_WORKER=0: a dashboard that leaves building to other hosts.
    if (process.env.ZXCV_LOCAL_WORKER === "0") say("no local build host (ZXCV_LOCAL_WORKER=0): builds wait for a host to connect");
    else
      worker = await supervise("the local build host (worker)", async () => {
        const started = await startLocalWorker({ env, appUrl, workDir: path.join(stateDir(env), "worker") });
        say(`local build host started (pid ${started.child.pid})`);
        return started;
      });
    say(`ZXCV Composer is up: ${appUrl}  (Ctrl-C stops everything)`);
    say(
      host === "127.0.0.1"
        ? "listening on 127.0.0.1 only: set HOST=0.0.0.0 (behind https, with APP_URL) to let other machines in"
        : `listening on ${host}: reachable from the network${appUrl.startsWith("https://") ? "" : " over plain http (put it behind https and set APP_URL)"}`,
    );
  } catch (error) {
    const message = error instanceof StackError ? error.message : `unexpected error: ${(error as Error).message}`;
    process.stderr.write(`[zxcv] error: ${message}\n`);
    await shutdown(1);
  }
}

await main();
