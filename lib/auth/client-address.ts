import type { IncomingMessage } from "node:http";
import { getEnv } from "../env";

/** Set on every request by the app's own server from the TCP peer; whatever a client sends under this name is overwritten. */
export const PEER_ADDRESS_HEADER = "x-zxcv-peer-address";

/**
 * Stamps each incoming request with its TCP peer address before Next.js sees it: Next.js passes a client's own
 * X-Forwarded-For through untouched and exposes no socket address, so without this a client could name any
 * address it likes. Called once at server start (instrumentation.ts).
 */
export async function stampPeerAddresses(): Promise<void> {
  const http = await import("node:http");
  const proto = http.Server.prototype as { emit: (event: string, ...args: unknown[]) => boolean; zxcvPeerStamp?: boolean };
  if (proto.zxcvPeerStamp) return;
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as IncomingMessage;
      request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "unknown";
    }
    return emit.call(this, event, ...args);
  };
  proto.zxcvPeerStamp = true;
}

/**
 * The client's address for rate limits. X-Forwarded-For counts only behind TRUST_PROXY hops of our own
 * proxies (the entry the outermost of them added); otherwise the TCP peer.
 */
export function clientAddress(headers: Headers, hops = getEnv().TRUST_PROXY): string {
  const peer = headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
  if (hops === 0) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - hops] ?? peer;
}
