import { say } from "./log";
import { stopManaged, type Managed } from "./processes";

/** How long to wait before the nth restart in a row: 1 s, doubling, at most 30 s. */
export function restartDelayMs(restartsInARow: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, restartsInARow - 1));
}

/** A child that ran this long before dying counts as healthy: the next restart waits the shortest delay again. */
const HEALTHY_RUN_MS = 60_000;

export type Supervised = { stop: () => Promise<void> };

/**
 * Keeps a child running: when it dies (killed, out of memory, a crash) it is started again after a backoff,
 * with one console line per restart; the rest of the stack stays up. `stop` ends it for good.
 */
export async function supervise(name: string, start: () => Promise<Managed>): Promise<Supervised> {
  let child = await start();
  let stopped = false;
  let restartsInARow = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const watch = async (managed: Managed, startedAt: number) => {
    const code = await managed.exited;
    if (stopped) return;
    restartsInARow = Date.now() - startedAt >= HEALTHY_RUN_MS ? 1 : restartsInARow + 1;
    let what = `exited unexpectedly (${managed.child.signalCode ? `killed by ${managed.child.signalCode}` : `exit code ${code}`})`;
    for (;;) {
      const delay = restartDelayMs(restartsInARow);
      say(`${name} ${what}; restarting it in ${Math.round(delay / 1000)} s (restart ${restartsInARow} in a row)`);
      await sleep(delay);
      if (stopped) return;
      try {
        child = await start();
      } catch (error) {
        what = `could not be started again (${(error as Error).message})`;
        restartsInARow++;
        continue;
      }
      // Stopped while it was starting: stop the new one too.
      if (stopped) return void (await stopManaged(child));
      return void watch(child, Date.now());
    }
  };
  void watch(child, Date.now());
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await stopManaged(child);
    },
  };
}
