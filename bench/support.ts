// Small helpers the benchmarks share: figures, sizes on disk, a byte-counting TCP proxy, process memory.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";

export type Unit = "s" | "ms" | "B" | "B/s" | "req/s" | "n";

/**
 * One measured number. `baseline` is another figure measured in the same run; the table prints value / baseline
 * as the ratio. `note` says in a few words what exactly was measured (what "cold" means, what was left out).
 */
export type Figure = {
  group: string;
  name: string;
  value: number | null;
  unit: Unit;
  baseline?: { name: string; value: number };
  note?: string;
};

export function figure(group: string, name: string, value: number | null, unit: Unit, extra: Pick<Figure, "baseline" | "note"> = {}): Figure {
  return { group, name, value, unit, ...extra };
}

/** A ratio against another figure of the same run, or undefined when there is nothing to divide by. */
export function ratio(f: Figure): number | undefined {
  if (!f.baseline || f.value === null || f.baseline.value === 0) return undefined;
  return f.value / f.baseline.value;
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "n/a";
  switch (unit) {
    case "B":
      if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
      if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
      if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
      return `${value} B`;
    case "B/s":
      return `${formatValue(value, "B")}/s`;
    case "s":
      return `${value.toFixed(value < 10 ? 2 : 1)} s`;
    case "ms":
      return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    case "req/s":
      return `${value.toFixed(value < 10 ? 1 : 0)} req/s`;
    case "n":
      return String(value);
  }
}

export function formatRatio(f: Figure): string {
  const r = ratio(f);
  if (r === undefined) return "";
  // Tiny ratios read better as "1/N": 442 B against 81 MiB is 1/192000, not 5.2e-6.
  const shown =
    r === 0
      ? "0x"
      : r >= 100
        ? `${r.toFixed(0)}x`
        : r >= 10
          ? `${r.toFixed(1)}x`
          : r >= 0.1
            ? `${r.toFixed(2)}x`
            : `1/${Math.round(1 / r).toLocaleString("en-US")}`;
  return `${shown} ${f.baseline!.name}`;
}

/** Bytes under a directory as `du -sb` counts them (0 when it does not exist). */
export function diskBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** Resident memory of a process (VmRSS from /proc), in bytes. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** RSS of a process and all its descendants (next start runs the server in a child process). */
export function treeRssBytes(pid: number): number | null {
  const own = rssBytes(pid);
  if (own === null) return null;
  let total = own;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const child of children) total += treeRssBytes(Number(child)) ?? 0;
  } catch {
    /* no children file: count the process alone */
  }
  return total;
}

export type CountingProxy = {
  port: number;
  /** Bytes from the client to the target (laptop -> builder) and back, since the last reset. */
  counts: { up: number; down: number };
  reset: () => void;
  close: () => Promise<void>;
};

/** A TCP proxy on loopback that forwards to `targetPort` and counts the bytes crossing each way. */
export function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const counts = { up: 0, down: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => (counts.up += chunk.length));
    upstream.on("data", (chunk) => (counts.down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        counts,
        reset: () => {
          counts.up = 0;
          counts.down = 0;
        },
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** First line of a command's version output (some tools print it on stderr), or null when the command is missing. */
export function versionOf(cmd: string, args: string[] = ["--version"], pattern?: RegExp): string | null {
  const run = spawnSync(cmd, args, { encoding: "utf8" });
  if (run.error || run.status !== 0) return null;
  const out = `${run.stdout}${run.stderr}`.trim();
  const line = out.split("\n")[0] ?? "";
  return pattern ? (pattern.exec(out)?.[0] ?? line) : line;
}

/** Debian's Chromium, driven by Playwright (it never downloads a browser here), with the flags these machines need. */
export async function launchChromium() {
  const { chromium } = await import("@playwright/test");
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
