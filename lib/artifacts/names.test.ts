import assert from "node:assert/strict";
import { test } from "node:test";
import { readableArtifactName } from "./names";

test("an ISO is named after machine, profile, revision and arch, in safe characters only", () => {
  assert.equal(
    readableArtifactName({ machine: "ThinkPad X1", profile: "Minimal (work)", revision: 3, arch: "x86_64", kind: "ISO" }),
    "thinkpad-x1-minimal-work-r3-x86_64.iso",
  );
  assert.equal(
    readableArtifactName({ machine: "../../.bashrc", profile: "日本", revision: 1, arch: "aarch64", kind: "LOG", suffix: "k2x9qf" }),
    "bashrc-profile-r1-aarch64-k2x9qf.log",
  );
});
