import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVersions, parseRelations, parseStanzas } from "./debian-index";
import { closureBytes, closureOf, closureProblems, indexPackageFromStanza, resolveArchive, type ClosureEntry, type ResolvedArchive } from "./resolver";

// A small index in Debian's own format: alternatives, a virtual package, a cycle, a missing dependency, a conflict
// and two packages that ship the same file.
const INDEX = `Package: libc6
Version: 2.36-9
Priority: optional
Section: libs
Installed-Size: 12000
Description: GNU C Library

Package: coreutils
Essential: yes
Version: 9.1-1
Priority: required
Section: utils
Description: GNU core utilities

Package: editor-a
Version: 1.0-1
Section: editors
Installed-Size: 100
Depends: libc6 (>= 2.34), libnew (>= 2.0) | libold, coreutils
Description: an editor that takes either library

Package: libnew
Version: 1.5-1
Section: libs
Installed-Size: 10
Description: too old for editor-a

Package: libold
Version: 0.9-1
Section: libs
Installed-Size: 20
Description: the alternative editor-a gets

Package: mailer
Version: 3.0
Section: mail
Installed-Size: 30
Depends: mail-transport-agent
Description: needs a virtual package

Package: zmta
Version: 1.0
Priority: optional
Section: mail
Installed-Size: 40
Provides: mail-transport-agent
Conflicts: mail-transport-agent
Description: one provider

Package: amta
Version: 1.0
Priority: standard
Section: mail
Installed-Size: 50
Provides: mail-transport-agent
Conflicts: mail-transport-agent
Description: the provider with the higher priority

Package: ping-a
Version: 1
Section: net
Installed-Size: 5
Depends: ping-b
Description: one half of a cycle

Package: ping-b
Version: 1
Section: net
Installed-Size: 6
Pre-Depends: ping-a
Description: the other half

Package: broken
Version: 1
Section: misc
Depends: not-in-the-index (>= 1)
Description: needs what nothing provides

Package: needs-broken
Version: 1
Section: misc
Depends: broken
Description: needs a package that is left out

Package: old-tool
Version: 1.0
Section: utils
Installed-Size: 7
Breaks: new-tool (<< 2.0)
Conflicts: tool-ng
Description: conflicts with new-tool 1.x only, and with tool-ng

Package: new-tool
Version: 2.1
Section: utils
Installed-Size: 8
Description: not broken by old-tool (it is 2.1)

Package: tool-ng
Version: 1
Section: utils
Installed-Size: 9
Description: conflicts with old-tool

Package: ship-x
Version: 1
Section: utils
Installed-Size: 11
Description: ships /usr/bin/x

Package: ship-x-too
Version: 1
Section: utils
Installed-Size: 12
Description: ships /usr/bin/x as well

Package: wants-both-x
Version: 1
Section: utils
Depends: ship-x, ship-x-too
Description: its own closure collides

Package: dummy
Version: 1
Section: oldlibs
Description: transitional package for libold
`;

const packages = parseStanzas(INDEX).map(indexPackageFromStanza);
const files: [string, string[]][] = [["usr/bin/x", ["ship-x", "ship-x-too"]]];
const archive: ResolvedArchive = resolveArchive(packages, { base: ["libc6"], leaveOut: {}, leaveOutSections: {} }, files);
const entries = new Map<string, ClosureEntry>(
  [...archive.offered].map(([id, r]) => [id, { id, sizeBytes: packages.find((p) => p.name === id)!.description.length, debian: r }]),
);

test("Debian version order: epochs, tildes, revisions", () => {
  assert.ok(compareVersions("1:1.0", "2.0") > 0);
  assert.ok(compareVersions("1.0~rc1", "1.0") < 0);
  assert.ok(compareVersions("1.0-1", "1.0-1+deb12u1") < 0);
  assert.ok(compareVersions("2.10", "2.9") > 0);
  assert.equal(compareVersions("1.0-1", "1.0-1"), 0);
  assert.deepEqual(parseRelations("a (>= 1) | b:any, c (<< 2~)"), [
    [{ name: "a", op: ">=", version: "1" }, { name: "b" }],
    [{ name: "c", op: "<<", version: "2~" }],
  ]);
});

test("alternatives: the first satisfiable one; the base and Essential packages add nothing", () => {
  assert.deepEqual(archive.offered.get("editor-a")!.depends, ["libold"]);
  assert.equal(archive.leftOut.get("coreutils"), "Essential: the base system stands in for it");
  assert.equal(archive.leftOut.get("libc6"), "part of the base system");
});

test("virtual packages resolve through Provides, the provider with the higher priority first", () => {
  assert.deepEqual(archive.offered.get("mailer")!.depends, ["amta"]);
  // Conflicting with the virtual name they provide, the two providers conflict with each other, not with themselves.
  assert.deepEqual(archive.offered.get("amta")!.conflicts, ["zmta"]);
});

test("a cycle resolves, and its closure holds both once", () => {
  assert.deepEqual(closureOf(entries, ["ping-a"]), ["ping-a", "ping-b"]);
  assert.equal(closureBytes(entries, closureOf(entries, ["ping-a", "ping-b"])), "one half of a cycle".length + "the other half".length);
});

test("a missing dependency leaves the package out, and what needs it, with the reason", () => {
  assert.equal(archive.leftOut.get("broken"), "needs not-in-the-index (>= 1), which nothing in the pinned index provides");
  assert.match(archive.leftOut.get("needs-broken")!, /^needs broken: broken is left out \(needs not-in-the-index/);
  assert.match(archive.leftOut.get("dummy")!, /transitional/);
});

test("conflicts: Breaks honours its version, Conflicts hits; closureProblems names both", () => {
  assert.deepEqual(archive.offered.get("old-tool")!.conflicts, ["tool-ng"]);
  assert.deepEqual(closureProblems(entries, ["old-tool", "new-tool"]), []);
  assert.deepEqual(closureProblems(entries, ["tool-ng", "old-tool"]), [{ kind: "conflict", a: "old-tool", b: "tool-ng" }]);
  assert.deepEqual(closureProblems(entries, ["mailer", "zmta"]), [{ kind: "conflict", a: "amta", b: "zmta" }]);
});

test("a file two packages ship: refused naming both; a package whose own closure collides is left out", () => {
  assert.deepEqual(closureProblems(entries, ["ship-x", "ship-x-too"]), [{ kind: "clash", a: "ship-x", b: "ship-x-too", file: "usr/bin/x" }]);
  assert.equal(archive.leftOut.get("wants-both-x"), "its dependencies cannot share one system: ship-x and ship-x-too both ship /usr/bin/x");
});
