import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeb822Sources, parseOneLineSources, splitAptUrl, uriForSuite } from "./apt-mirror";

const deb822 = `Types: deb
# a comment
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Types: deb
Enabled: no
URIs: http://off.example/debian
Suites: trixie
Components: main
`;

test("deb822 sources: deb stanzas only, disabled and deb-src-only ones skipped, trailing slash dropped", () => {
  assert.deepEqual(parseDeb822Sources(deb822), [
    { uri: "http://mirror.example/debian", suites: ["bookworm", "bookworm-updates"], components: ["main"] },
    { uri: "http://mirror.example/debian-security", suites: ["bookworm-security"], components: ["main"] },
  ]);
});

test("one-line sources: options in brackets and comments are ignored", () => {
  const text =
    "# deb http://x.example/old buster main\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb-src http://mirror.example/debian bookworm main\n";
  assert.deepEqual(parseOneLineSources(text), [{ uri: "http://mirror.example/debian", suites: ["bookworm"], components: ["main", "contrib"] }]);
});

test("a URL apt prints splits into (suite, archive path) by the longest matching source, and maps back", () => {
  const sources = parseDeb822Sources(deb822);
  assert.deepEqual(splitAptUrl(sources, "http://mirror.example/debian-security/pool/updates/main/j/jq/jq_1.6-2.1%2bdeb12u3_amd64.deb"), {
    suite: "bookworm-security",
    path: "pool/updates/main/j/jq/jq_1.6-2.1+deb12u3_amd64.deb",
  });
  assert.deepEqual(splitAptUrl(sources, "http://mirror.example/debian/pool/main/b/bash/bash_5.2.15-2%2bb7_amd64.deb")?.suite, "bookworm");
  assert.equal(splitAptUrl(sources, "http://elsewhere.example/debian/pool/x.deb"), undefined);
  assert.equal(uriForSuite(sources, "bookworm-updates"), "http://mirror.example/debian");
  assert.equal(uriForSuite(sources, "sid"), undefined);
});
