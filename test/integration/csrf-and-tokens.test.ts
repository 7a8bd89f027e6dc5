// Cookie-authenticated writes must come from the app's own origin; API tokens expire and cannot mint tokens.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { POST as createMachineRoute } from "@/app/api/v1/machines/route";
import { GET as meRoute } from "@/app/api/v1/me/route";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { createApiToken } from "@/lib/api-tokens";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { callRoute, deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";

let ada: TestPerson;
const appOrigin = () => new URL(getEnv().APP_URL).origin;
const machine = JSON.stringify({ name: "laptop", arch: "x86_64" });
const machineCount = () => getDb().machine.count({ where: { ownerId: ada.actor.id } });

before(async () => {
  ada = await makePerson("csrf");
});

after(async () => {
  await deletePeople([ada]);
  await getDb().$disconnect();
});

test("a cross-origin POST with a valid session cookie is refused with a 403 that says why, and changes nothing", async () => {
  const { status, json } = await callRoute(createMachineRoute, {
    method: "POST",
    body: machine,
    headers: { cookie: ada.sessionCookie, origin: "https://evil.example" },
  });
  assert.equal(status, 403);
  assert.match(json.error.message, /Cross-origin request refused.*not https:\/\/evil\.example.*API token/);
  const noOrigin = await callRoute(createMachineRoute, { method: "POST", body: machine, headers: { cookie: ada.sessionCookie } });
  assert.equal(noOrigin.status, 403);
  assert.match(noOrigin.json.error.message, /must say where it comes from/);
  const foreignReferer = await callRoute(createMachineRoute, {
    method: "POST",
    body: machine,
    headers: { cookie: ada.sessionCookie, referer: "https://evil.example/page" },
  });
  assert.equal(foreignReferer.status, 403);
  assert.equal(await machineCount(), 0);
});

test("the app's own pages (Origin, or Referer without one) may write with the cookie; reads and tokens are not checked", async () => {
  const sameOrigin = await callRoute(createMachineRoute, { method: "POST", body: machine, headers: { cookie: ada.sessionCookie, origin: appOrigin() } });
  assert.equal(sameOrigin.status, 201, sameOrigin.text);
  const byReferer = await callRoute(createMachineRoute, {
    method: "POST",
    body: JSON.stringify({ name: "desk", arch: "x86_64" }),
    headers: { cookie: ada.sessionCookie, referer: `${appOrigin()}/machines` },
  });
  assert.equal(byReferer.status, 201, byReferer.text);
  const read = await callRoute(meRoute, { headers: { cookie: ada.sessionCookie, origin: "https://evil.example" } });
  assert.equal(read.status, 200);
  const script = await callRoute(createMachineRoute, {
    method: "POST",
    token: ada.token,
    body: JSON.stringify({ name: "script", arch: "x86_64" }),
    headers: { origin: "https://evil.example" },
  });
  assert.equal(script.status, 201, "a bearer token carries no ambient credential: no origin check");
});

test("a JSON route refuses a body without a JSON content type", async () => {
  const before = await machineCount();
  const form = await callRoute(createMachineRoute, {
    method: "POST",
    body: "name=x&arch=x86_64",
    headers: { cookie: ada.sessionCookie, origin: appOrigin(), "content-type": "text/plain" },
  });
  assert.equal(form.status, 400);
  assert.match(form.json.error.message, /Content-Type: application\/json.*text\/plain/);
  const none = await callRoute(createMachineRoute, { method: "POST", token: ada.token, body: new TextEncoder().encode(machine) });
  assert.equal(none.status, 400);
  assert.match(none.json.error.message, /no Content-Type/);
  assert.equal(await machineCount(), before);
});

test("an API token cannot create tokens: a 403 that points to the dashboard", async () => {
  const before = await getDb().apiToken.count({ where: { userId: ada.actor.id } });
  const { status, json } = await callRoute(createTokenRoute, { method: "POST", token: ada.token, body: JSON.stringify({ name: "minted" }) });
  assert.equal(status, 403);
  assert.match(json.error.message, /cannot create API tokens.*Settings > API tokens/);
  assert.equal(await getDb().apiToken.count({ where: { userId: ada.actor.id } }), before);
  const signedIn = await callRoute(createTokenRoute, {
    method: "POST",
    body: JSON.stringify({ name: "month", expiresInDays: 30 }),
    headers: { cookie: ada.sessionCookie, origin: appOrigin() },
  });
  assert.equal(signedIn.status, 201, signedIn.text);
  const days = (new Date(signedIn.json.apiToken.expiresAt).getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
  const odd = await callRoute(createTokenRoute, {
    method: "POST",
    body: JSON.stringify({ name: "odd", expiresInDays: 45 }),
    headers: { cookie: ada.sessionCookie, origin: appOrigin() },
  });
  assert.equal(odd.status, 400);
  assert.match(odd.json.error.message, /expiresInDays.*7, 30, 90, 365/);
});

test("an expired API token gets a 401 that says it expired", async () => {
  const { token, apiToken } = await createApiToken({ actor: ada.actor, name: "soon", expiresInDays: 7 });
  assert.equal((await callRoute(meRoute, { token })).status, 200);
  await getDb().apiToken.update({ where: { id: apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const { status, json } = await callRoute(meRoute, { token });
  assert.equal(status, 401);
  assert.match(json.error.message, /This API token expired on \d{4}-\d{2}-\d{2}: create a new one/);
});
