// Sign-in and sign-up against real PostgreSQL and Redis: input size checked first, hashed rate-limit keys,
// failures slow an account down but never lock it out, sign-up limited and silent about existing emails.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { createUser, SIGN_UP_REFUSED } from "@/lib/auth/sessions";
import { announceSetupLink } from "@/lib/auth/setup";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { disconnectRateLimit, enforceSignUpRateLimit, SIGN_IN_LIMIT, signUpLimit } from "@/lib/rate-limit";
import { getRedis } from "@/lib/redis";
import { registerUser } from "@/lib/users";

const password = "the right password";

after(async () => {
  disconnectRateLimit();
  getRedis().disconnect();
  await getDb().$disconnect();
});

async function rateLimitKeys(): Promise<string[]> {
  return getRedis().keys("zxcv:rl:*");
}

function rejectsWith(code: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(isAppError(error), `expected an AppError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

async function person(label: string) {
  const email = `${label}-${randomUUID()}@example.test`;
  await createUser({ email, name: label, password });
  return email;
}

test("a 1 MB email at sign-in gets a 400 that says what is wrong, and nothing of it reaches Redis", async () => {
  const before = await rateLimitKeys();
  const huge = `${"a".repeat(1024 * 1024)}@example.test`;
  await assert.rejects(signInWithPassword({ email: huge, password: "x", address: "198.51.100.1" }), rejectsWith("BAD_REQUEST", /at most 254 characters/));
  const after = await rateLimitKeys();
  assert.deepEqual(
    after.filter((k) => !before.includes(k)),
    [],
    "no rate-limit key was written",
  );
  const memory = await getRedis().info("memory");
  assert.ok(!(await getRedis().keys("*aaaaaaaa*")).length, "no key holds the email");
  assert.match(memory, /used_memory:/);
});

test("rate-limit keys hold a hash, never the email or address a client sent", async () => {
  const email = await person("hashed");
  const before = await rateLimitKeys();
  await assert.rejects(signInWithPassword({ email, password: "wrong", address: "198.51.100.2" }), rejectsWith("UNAUTHORIZED"));
  const keys = (await rateLimitKeys()).filter((k) => !before.includes(k));
  assert.equal(keys.length, 3, "address, account from address, account");
  assert.ok(
    keys.every((k) => !k.includes(email) && !k.includes("198.51.100.2") && /^zxcv:rl:[a-z-]+:[0-9a-f]{32}$/.test(k)),
    keys.join(", "),
  );
});

test("50 bad tries from one address: that address is refused, and the right password from another address works", async () => {
  const email = await person("admin-under-attack");
  const attacker = "203.0.113.66";
  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      signInWithPassword({ email, password: "guess", address: attacker }).then(
        () => "OK",
        (e) => (isAppError(e) ? e.code : String(e)),
      ),
    ),
  );
  assert.ok(
    answers.every((a) => a === "UNAUTHORIZED" || a === "RATE_LIMITED"),
    answers.join(","),
  );
  await assert.rejects(
    signInWithPassword({ email, password: "guess", address: attacker }),
    rejectsWith("RATE_LIMITED", /Too many sign-in attempts: try again in \d+ minutes?/),
  );
  const actor = await signInWithPassword({ email, password, address: "192.0.2.10" });
  assert.equal(actor.email, email);
});

test("50 bad tries spread over many addresses slow the account down but do not lock its owner out", async () => {
  const email = await person("spread-attack");
  for (let wave = 0; wave < SIGN_IN_LIMIT.limit / 2; wave++) {
    // Ten new addresses at once per wave: 50 failures on the account in all, none of them refused by address.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => signInWithPassword({ email, password: "guess", address: `198.18.${wave}.${i}` }).catch(() => undefined)),
    );
  }
  const actor = await signInWithPassword({ email, password, address: "192.0.2.11" });
  assert.equal(actor.email, email);
  // A success forgets the account's failures: the next wrong password is answered as usual.
  await assert.rejects(signInWithPassword({ email, password: "typo", address: "192.0.2.11" }), rejectsWith("UNAUTHORIZED", /Wrong email or password/));
});

test("sign-up is limited per address, and a taken email gets the same answer as any refused sign-up", async () => {
  const email = await person("taken");
  await assert.rejects(registerUser({ email, name: "Again", password: "another long password" }), rejectsWith("CONFLICT"));
  await assert.rejects(registerUser({ email, name: "Again", password: "another long password" }), (error: unknown) => {
    assert.ok(isAppError(error));
    assert.equal(error.message, SIGN_UP_REFUSED);
    assert.doesNotMatch(error.message, /already exists/);
    assert.equal(error.details, undefined, "no field is marked as taken");
    return true;
  });
  const address = `192.0.2.${Math.floor(Math.random() * 200) + 20}`;
  for (let i = 0; i < signUpLimit().limit; i++) await enforceSignUpRateLimit({ address });
  await assert.rejects(enforceSignUpRateLimit({ address }), rejectsWith("RATE_LIMITED", /Too many sign-ups from your address/));
});

test("without an admin, sign-up makes members; the setup link printed at start makes the admin, once", async (t) => {
  // A dashboard without an admin: the other files' admins step down for this test and come back after it.
  const admins = (await getDb().user.findMany({ where: { role: "ADMIN" }, select: { id: true } })).map((u) => u.id);
  await getDb().user.updateMany({ where: { id: { in: admins } }, data: { role: "MEMBER" } });
  t.after(() => getDb().user.updateMany({ where: { id: { in: admins } }, data: { role: "ADMIN" } }));
  const member = await registerUser({ email: `first-${randomUUID()}@example.test`, name: "First", password: "a long enough password" });
  assert.equal(member.role, "MEMBER", "the first account on an open dashboard is not silently its admin");
  const url = await announceSetupLink();
  assert.ok(url);
  const token = new URL(url).searchParams.get("invite")!;
  const admin = await registerUser({ email: `admin-${randomUUID()}@example.test`, name: "Admin", password: "a long enough password", inviteToken: token });
  assert.equal(admin.role, "ADMIN");
  await assert.rejects(
    registerUser({ email: `second-${randomUUID()}@example.test`, name: "Second", password: "a long enough password", inviteToken: token }),
    rejectsWith("FORBIDDEN", /setup link is not valid/),
  );
  assert.equal(await announceSetupLink(), null, "with an admin, no link is printed");
});
