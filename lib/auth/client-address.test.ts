import assert from "node:assert/strict";
import { test } from "node:test";
import { clientAddress, PEER_ADDRESS_HEADER } from "./client-address";

const request = (headers: Record<string, string>) => new Headers({ [PEER_ADDRESS_HEADER]: "10.0.0.5", ...headers });

test("without a trusted proxy, X-Forwarded-For is ignored: the address is the TCP peer's", () => {
  assert.equal(clientAddress(request({ "x-forwarded-for": "203.0.113.9" }), 0), "10.0.0.5");
  assert.equal(clientAddress(request({}), 0), "10.0.0.5");
});

test("behind N trusted proxies, the address is the entry the outermost of them added, whatever the client prepended", () => {
  assert.equal(clientAddress(request({ "x-forwarded-for": "1.1.1.1, 198.51.100.7" }), 1), "198.51.100.7");
  assert.equal(clientAddress(request({ "x-forwarded-for": "1.1.1.1, 198.51.100.7, 10.0.0.2" }), 2), "198.51.100.7");
  // Fewer entries than proxies: the request did not come through them all; the peer it is.
  assert.equal(clientAddress(request({ "x-forwarded-for": "198.51.100.7" }), 2), "10.0.0.5");
});

test("the server stamps each request with its TCP peer, over whatever the client sent under that name", async () => {
  const { createServer } = await import("node:http");
  const { stampPeerAddresses } = await import("./client-address");
  await stampPeerAddresses();
  const server = createServer((req, res) => res.end(String(req.headers[PEER_ADDRESS_HEADER])));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const seen = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_ADDRESS_HEADER]: "203.0.113.1" } })).text();
  server.close();
  assert.equal(seen, "127.0.0.1");
});
