// Accounts: admin-only user management, invitation sign-up when sign-up is closed, and the rate limits.
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/accounts.test.ts
process.env.ZXCV_OPEN_SIGNUP = "false"; // before anything reads the environment: this file tests closed sign-up

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Actor } from "@/lib/auth/actor";
import { createSession, findSessionActor } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { disconnectRateLimit, hitRateLimit } from "@/lib/rate-limit";
import { disableUser, enableUser, inviteUser, isInvitationRequired, listInvitations, listUsers, registerUser } from "@/lib/users";

const created: string[] = [];
let admin: Actor;
let member: Actor;

async function makeUser(label: string, role: "ADMIN" | "MEMBER"): Promise<Actor> {
  const email = `${label}-${randomUUID()}@example.test`;
  const user = await getDb().user.create({ data: { email, name: label, passwordHash: "unused", role } });
  created.push(user.id);
  return { id: user.id, role, email, name: label };
}

const rejectsWith = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

before(async () => {
  admin = await makeUser("admin", "ADMIN");
  member = await makeUser("member", "MEMBER");
});

after(async () => {
  await getDb().user.deleteMany({ where: { id: { in: created } } });
  await getDb().$disconnect();
  disconnectRateLimit();
});

test("only an admin lists, invites, disables and enables accounts", async () => {
  await assert.rejects(listUsers({ actor: member }), rejectsWith("FORBIDDEN"));
  await assert.rejects(inviteUser({ actor: member, email: "x@example.test" }), rejectsWith("FORBIDDEN"));
  await assert.rejects(disableUser({ actor: member, userId: admin.id }), rejectsWith("FORBIDDEN"));
  await assert.rejects(enableUser({ actor: member, userId: member.id }), rejectsWith("FORBIDDEN"));
  const users = await listUsers({ actor: admin });
  assert.ok(users.some((u) => u.id === member.id));
  assert.ok(
    users.every((u) => !("passwordHash" in u)),
    "no password hashes leave the data layer",
  );
});

test("closed sign-up: only an unexpired, unused invitation for that email creates an account", async () => {
  assert.equal(await isInvitationRequired(), true);
  const email = `invited-${randomUUID()}@example.test`;
  const input = { email, name: "Invited", password: "a long enough password" };
  await assert.rejects(registerUser(input), rejectsWith("FORBIDDEN"));

  const invitation = await inviteUser({ actor: admin, email });
  const token = new URL(invitation.url).searchParams.get("invite")!;
  assert.ok(token);
  assert.ok((await listInvitations({ actor: admin })).some((i) => i.email === email));
  assert.equal(await getDb().invitation.count({ where: { tokenHash: token } }), 0, "only the token's hash is stored");

  await assert.rejects(registerUser({ ...input, email: `other-${email}`, inviteToken: token }), rejectsWith("FORBIDDEN"));
  await assert.rejects(registerUser({ ...input, inviteToken: "zi_wrong" }), rejectsWith("FORBIDDEN"));
  const person = await registerUser({ ...input, inviteToken: token });
  created.push(person.id);
  assert.equal(person.role, "MEMBER");
  assert.equal(person.email, email);
  await assert.rejects(registerUser({ ...input, email: `again-${email}`, inviteToken: token }), rejectsWith("FORBIDDEN"));
  assert.ok(!(await listInvitations({ actor: admin })).some((i) => i.email === email), "a used invitation is gone from the list");
  await assert.rejects(inviteUser({ actor: admin, email }), rejectsWith("CONFLICT"));
});

test("an expired invitation is refused", async () => {
  const email = `late-${randomUUID()}@example.test`;
  const invitation = await inviteUser({ actor: admin, email });
  await getDb().invitation.updateMany({ where: { email }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const token = new URL(invitation.url).searchParams.get("invite")!;
  await assert.rejects(registerUser({ email, name: "Late", password: "a long enough password", inviteToken: token }), rejectsWith("FORBIDDEN"));
});

test("disabling ends the person's sessions at once; an admin cannot disable themself", async () => {
  const target = await makeUser("target", "MEMBER");
  const session = await createSession(target.id);
  assert.equal((await findSessionActor(session.token))?.id, target.id);
  await disableUser({ actor: admin, userId: target.id });
  assert.equal(await findSessionActor(session.token), null);
  assert.equal(await getDb().session.count({ where: { userId: target.id } }), 0);
  await assert.rejects(disableUser({ actor: admin, userId: admin.id }), rejectsWith("BAD_REQUEST"));
  await enableUser({ actor: admin, userId: target.id });
  assert.equal((await getDb().user.findUniqueOrThrow({ where: { id: target.id } })).disabledAt, null);
});

test("a fixed window counts hits and says how many remain", async () => {
  const key = randomUUID();
  const first = await hitRateLimit({ scope: "test", key, limit: 2, windowSeconds: 60 });
  assert.deepEqual([first.allowed, first.remaining], [true, 1]);
  await hitRateLimit({ scope: "test", key, limit: 2, windowSeconds: 60 });
  const third = await hitRateLimit({ scope: "test", key, limit: 2, windowSeconds: 60 });
  assert.equal(third.allowed, false);
  assert.ok(third.retryAfterSeconds > 0 && third.retryAfterSeconds <= 60);
});
