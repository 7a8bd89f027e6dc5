type Falsy<T> = T | undefined | null | false;

/** Polls `check` until it returns a value (not undefined, null or false); throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Falsy<T> | Promise<Falsy<T>>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
