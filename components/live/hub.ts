// One EventSource per page for every live build it shows (browsers allow 6 connections per host over HTTP/1.1,
// so a connection per build would stall a page with many). Components subscribe to a build; the hub keeps one
// connection to /api/builds/live naming them all, and reopens it (resuming each log after its last event) when a
// build is added or the connection drops. A Build click starts following its build before the build's page is
// there (`prefollow`), and the page takes that connection over.

/** What the server sends about one build (lib/builds/events.ts, streamLiveEvents). */
export type LiveEvent =
  | { type: "status"; build: string; status: string; phase: string | null; progress: number | null; failureReason: string | null }
  | { type: "line"; build: string; id: string; text: string }
  | { type: "phase"; build: string; id: string; phase: string; progress: number; detail: string }
  | { type: "end"; build: string; id: string; status: string; reason: string };

/** "log": every line and phase of the build (its page); "status": its phases and end only (a list). */
export type LiveKind = "log" | "status";
type Listener = (event: LiveEvent) => void;
type Watch = {
  kind: LiveKind;
  cursor: string | null;
  listeners: Set<Listener>;
  isEnded: boolean;
  /** While a build is followed ahead of its page (`prefollow`): what arrived, for the page's subscription. */
  kept?: LiveEvent[];
  releasePrefollow?: () => void;
};

const EVENT_TYPES = ["status", "line", "phase", "end"] as const;
const RECONNECT_MS = 1000;
/** How long a build followed ahead of its page waits for the page (a navigation that never lands lets it go). */
const PREFOLLOW_MS = 15_000;
/** As many lines as a live log keeps (live-log.tsx). */
const KEPT_MAX = 5000;

class LiveHub {
  private readonly watches = new Map<string, Watch>();
  private source: EventSource | null = null;
  /** What the open connection follows: build id -> kind. */
  private connected = new Map<string, LiveKind>();
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  private isOpenQueued = false;

  /** Follows a build until the returned function is called; a "log" watch wins over a "status" one of the same build. */
  subscribe(buildId: string, kind: LiveKind, listener: Listener): () => void {
    let watch = this.watches.get(buildId);
    if (!watch) {
      watch = { kind, cursor: kind === "log" ? "0" : null, listeners: new Set(), isEnded: false };
      this.watches.set(buildId, watch);
    } else if (kind === "log" && watch.kind === "status") {
      watch.kind = "log";
      watch.cursor = "0";
    }
    watch.listeners.add(listener);
    // The page a Build click opened takes over the connection its click started, with what already came on it.
    if (watch.kept && watch.releasePrefollow) {
      for (const event of watch.kept) listener(event);
      watch.releasePrefollow();
    }
    if (this.connected.get(buildId) !== watch.kind && !watch.isEnded) this.schedule(0);
    return () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size > 0) return;
      this.watches.delete(buildId);
      // The open connection may keep following it (harmless); with nothing left to follow it closes.
      if (![...this.watches.values()].some((w) => !w.isEnded)) this.close();
    };
  }

  /**
   * Follows a build's log before its page is there: a Build click calls this as soon as the build is queued, so the
   * connection opens while the page loads (not after it is drawn), and the page's `subscribe` gets the events that
   * came meanwhile. Let go when the page subscribes, or after PREFOLLOW_MS without one.
   */
  prefollow(buildId: string): void {
    if (this.watches.has(buildId)) return;
    const unsubscribe = this.subscribe(buildId, "log", () => undefined);
    const watch = this.watches.get(buildId)!;
    watch.kept = [];
    const timer = setTimeout(() => watch.releasePrefollow?.(), PREFOLLOW_MS);
    watch.releasePrefollow = () => {
      clearTimeout(timer);
      watch.kept = undefined;
      watch.releasePrefollow = undefined;
      unsubscribe();
    };
  }

  private schedule(ms: number): void {
    clearTimeout(this.reopenTimer);
    if (ms > 0) {
      this.reopenTimer = setTimeout(() => this.open(), ms);
      return;
    }
    // Subscriptions made in the same render (one pass of effects) land in one connection. Not a timer: after a
    // Build click it fired only once the new page was painted (up to ~30 ms measured), holding the connection back.
    if (this.isOpenQueued) return;
    this.isOpenQueued = true;
    queueMicrotask(() => {
      this.isOpenQueued = false;
      this.open();
    });
  }

  private close(): void {
    clearTimeout(this.reopenTimer);
    this.source?.close();
    this.source = null;
    this.connected = new Map();
  }

  private open(): void {
    this.close();
    const live = [...this.watches.entries()].filter(([, w]) => !w.isEnded);
    if (live.length === 0) return;
    const logs = live.filter(([, w]) => w.kind === "log").map(([id, w]) => `${id}:${w.cursor ?? "0"}`);
    const statuses = live.filter(([, w]) => w.kind === "status").map(([id]) => id);
    const query = new URLSearchParams();
    if (logs.length) query.set("log", logs.join(","));
    if (statuses.length) query.set("status", statuses.join(","));
    const source = new EventSource(`/api/builds/live?${query.toString().replaceAll("%2C", ",").replaceAll("%3A", ":")}`);
    this.source = source;
    this.connected = new Map(live.map(([id, w]) => [id, w.kind]));
    for (const type of EVENT_TYPES) source.addEventListener(type, (e) => this.dispatch({ type, ...JSON.parse((e as MessageEvent<string>).data) } as LiveEvent));
    // EventSource would retry the same URL, replaying each log from where the page started: reopen with the cursors.
    source.onerror = () => {
      if (this.source !== source) return;
      this.close();
      this.schedule(RECONNECT_MS);
    };
  }

  private dispatch(event: LiveEvent): void {
    const watch = this.watches.get(event.build);
    if (!watch) return;
    if (event.type !== "status" && watch.kind === "log") watch.cursor = event.id;
    if (event.type === "end") watch.isEnded = true;
    if (watch.kept && watch.kept.length < KEPT_MAX) watch.kept.push(event);
    for (const listener of watch.listeners) listener(event);
    if (event.type === "end" && ![...this.watches.values()].some((w) => !w.isEnded)) this.close();
  }
}

const globalForHub = globalThis as unknown as { zxcvLiveHub?: LiveHub };

/** The page's one hub (created on first use, in the browser only). */
export function getLiveHub(): LiveHub {
  return (globalForHub.zxcvLiveHub ??= new LiveHub());
}
