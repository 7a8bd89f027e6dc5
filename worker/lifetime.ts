// How long a build host lives: `--idle-exit 10m` leaves after ten idle minutes, `--max-runtime 5h` stops taking
// jobs after five hours and leaves once what it runs has finished. Both deregister first, so the dashboard shows
// the host offline at once (a CI runner as a build agent comes and goes this way).
import { z } from "zod";
import type { WorkerEnv } from "./env";

export type Lifetime = { idleExitMs: number | null; maxRuntimeMs: number | null };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "10m", "1h30m", "2h", "500ms" as milliseconds; throws a message that says what is accepted. */
export function parseDuration(text: string, option: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const total = parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNITS[unit!]!, 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim() || total <= 0) {
    throw new Error(`${option} "${text}" is not a duration: use a number with a unit, such as 90s, 10m, 1h30m or 2h`);
  }
  return Math.round(total);
}

const argsSchema = z.object({ "idle-exit": z.string().optional(), "max-runtime": z.string().optional() }).strict();

/** `--idle-exit DURATION` and `--max-runtime DURATION` from the worker's command line (anything else is refused). */
export function parseLifetimeArgs(argv: string[]): Lifetime {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!match) throw new Error(`unexpected argument "${argv[i]}": the worker takes --idle-exit DURATION and --max-runtime DURATION`);
    values[match[1]!] = match[2] ?? argv[++i] ?? "";
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success)
    throw new Error(
      `unknown option --${Object.keys(values).find((k) => !(k in argsSchema.shape))}: the worker takes --idle-exit DURATION and --max-runtime DURATION`,
    );
  return {
    idleExitMs: parsed.data["idle-exit"] === undefined ? null : parseDuration(parsed.data["idle-exit"], "--idle-exit"),
    maxRuntimeMs: parsed.data["max-runtime"] === undefined ? null : parseDuration(parsed.data["max-runtime"], "--max-runtime"),
  };
}

const describe = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/** Tells the dashboard this host is leaving: it shows offline at once instead of after the heartbeat timeout. */
async function deregister(env: WorkerEnv): Promise<void> {
  const response = await fetch(new URL("/api/host/deregister", env.APP_URL), {
    method: "POST",
    headers: { authorization: `Bearer ${env.ZXCV_HOST_TOKEN}`, "content-type": "application/json" },
    body: "{}",
  });
  if (!response.ok) throw new Error(`the dashboard answered ${response.status} to the deregistration`);
}

/**
 * Watches a running host against its lifetime: idle (no build, no test-drive) for `idleExitMs`, or `maxRuntimeMs` since
 * start. Then it takes no new jobs, lets running builds finish (BullMQ's close), deregisters and calls `exit`.
 */
export function watchLifetime({
  host,
  lifetime,
  env,
  log,
  exit,
  pollMs = 500,
}: {
  host: { running: Map<string, unknown>; drives?: { sessions: Map<string, unknown> }; close: () => Promise<void> };
  lifetime: Lifetime;
  env: WorkerEnv;
  log: (message: string) => void;
  exit: (code: number) => void;
  pollMs?: number;
}): void {
  if (lifetime.idleExitMs === null && lifetime.maxRuntimeMs === null) return;
  const startedAt = Date.now();
  let busyAt = startedAt;
  const parts = [
    lifetime.idleExitMs !== null && `leaves after ${describe(lifetime.idleExitMs)} idle`,
    lifetime.maxRuntimeMs !== null && `stops taking jobs after ${describe(lifetime.maxRuntimeMs)}`,
  ].filter(Boolean);
  log(`this host ${parts.join(" and ")}`);
  const leave = async (why: string) => {
    clearInterval(timer);
    log(`${why}: ${host.running.size ? `finishing ${host.running.size} running build(s), ` : ""}taking no new jobs`);
    await host.close();
    try {
      await deregister(env);
      log("deregistered from the dashboard; exiting");
    } catch (error) {
      log(`could not deregister (${(error as Error).message}); the dashboard shows this host offline once its heartbeats stop. Exiting`);
    }
    exit(0);
  };
  const timer = setInterval(() => {
    const now = Date.now();
    // A test-drive keeps the host busy as a build does.
    const isBusy = host.running.size + (host.drives?.sessions.size ?? 0) > 0;
    if (isBusy) busyAt = now;
    if (lifetime.maxRuntimeMs !== null && now - startedAt >= lifetime.maxRuntimeMs) void leave(`ran for ${describe(lifetime.maxRuntimeMs)} (--max-runtime)`);
    else if (lifetime.idleExitMs !== null && !isBusy && now - busyAt >= lifetime.idleExitMs)
      void leave(`idle for ${describe(lifetime.idleExitMs)} (--idle-exit)`);
  }, pollMs);
}
