import assert from "node:assert/strict";
import { test } from "node:test";
import { childEnv, nixEnv, runStreaming } from "./nix";

test("nix, qemu and ssh get a minimal environment: never the worker's host token or REDIS_URL", async () => {
  process.env.ZXCV_HOST_TOKEN = "zxcv_host_secret";
  process.env.REDIS_URL = "redis://secret@127.0.0.1:6379";
  try {
    for (const env of [childEnv(), nixEnv()]) {
      assert.equal(env.ZXCV_HOST_TOKEN, undefined);
      assert.equal(env.REDIS_URL, undefined);
      assert.ok(env.PATH);
    }
    // What a started process really sees (the default environment of runStreaming is nixEnv()).
    const { stdout } = await runStreaming("env", []);
    assert.doesNotMatch(stdout, /secret/);
    assert.match(stdout, /^NIX_CONF_DIR=/m);
  } finally {
    delete process.env.ZXCV_HOST_TOKEN;
    delete process.env.REDIS_URL;
  }
});

test("a started process is told to die with its parent (parent-death signal SIGKILL)", async () => {
  // runStreaming starts every command under setpriv --pdeathsig KILL; setpriv --dump reports its own settings.
  const { stdout } = await runStreaming("setpriv", ["--dump"]);
  assert.match(stdout, /Parent death signal: KILL/i);
});
