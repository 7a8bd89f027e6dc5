import { say } from "./log";
import { stopManaged, type Managed } from "./processes";

/** How long to wait before the nth restart in a row: 1 s, doubling, at most 30 s. */
export function restartDelayMs(restartsInARow: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, restartsInARow - 1));
}

/** A child that ran this long before dying counts as healthy: the next restart waits the shortest delay again. */
const HEALTHY_RUN_MS = 60_000;

export type Supervised = { current: () => Managed; stop: () => Promise<void> };

/**
 * Keeps a child running: when it dies (killed, out of memory, a crash) it is started again after a backoff,
 * with one console line per restart; the rest of the stack stays up. `stop` ends it for good.
 */
export async function supervise(name: string, start: () => Promise<Managed>): Promise<Supervised> {
  let child = await start();
  let stopped = false;
  let restartsInARow = 0;
  let wake: (() => void) | undefined;
  const watch = (managed: Managed, startedAt: number) => {
    void managed.exited.then(async (code) => {
      if (stopped) return;
      restartsInARow = Date.now() - startedAt >= HEALTHY_RUN_MS ? 1 : restartsInARow + 1;
      const delay = restartDelayMs(restartsInARow);
      const how = managed.child.signalCode ? `killed by ${managed.child.signalCode}` : `exit code ${code}`;
      say(`${name} exited unexpectedly (${how}); restarting it in ${Math.round(delay / 1000)} s (restart ${restartsInARow} in a row)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopped) return;
      try {
        child = await start();
        watch(child, Date.now());
      } catch (error) {
        say(`${name} could not be restarted: ${(error as Error).message}; trying again`);
        watch({ ...managed, exited: Promise.resolve(null) }, Date.now());
      }
    });
  };
  watch(child, Date.now());
  return {
    current: () => child,
    stop: async () => {
      stopped = true;
      wake?.();
      await stopManaged(child);
    },
  };
}
