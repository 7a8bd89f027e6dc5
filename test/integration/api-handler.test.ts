// withActor against the real dev database: bad input gets a clear 4xx and changes nothing.
// Run: npm test -- test/integration/api-handler
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { GET as listMachinesRoute, POST as createMachineRoute } from "@/app/api/v1/machines/route";
import { PUT as putProfileText } from "@/app/api/v1/profiles/[id]/text/route";
import { getDb } from "@/lib/db";
import { PROFILE_TEXT_MAX_BYTES } from "@/contracts/profile-text";
import { MAX_JSON_BODY_BYTES } from "@/lib/api/handler";
import { callRoute, deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";

let ada: TestPerson;

async function machineCount(): Promise<number> {
  return getDb().machine.count({ where: { ownerId: ada.actor.id } });
}

before(async () => {
  ada = await makePerson("ada");
});

after(async () => {
  await deletePeople([ada]);
  await getDb().$disconnect();
});

const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  callRoute(createMachineRoute, { method: "POST", path: "/api/v1/machines", token: ada.token, body, headers });

test("malformed JSON is a 400 that says so, and nothing is created", async () => {
  const { status, json } = await post('{"name": "laptop", "arch": ');
  assert.equal(status, 400);
  assert.equal(json.error.code, "BAD_REQUEST");
  assert.match(json.error.message, /not valid JSON/);
  assert.equal(await machineCount(), 0);
});

test("wrong types are a 400 naming the field", async () => {
  const { status, json } = await post(JSON.stringify({ name: 42, arch: "x86_64" }));
  assert.equal(status, 400);
  assert.match(json.error.message, /body\.name/);
  const wrongEnum = await post(JSON.stringify({ name: "laptop", arch: "sparc" }));
  assert.equal(wrongEnum.status, 400);
  assert.match(wrongEnum.json.error.message, /body\.arch: Choose x86_64 or aarch64/);
  const notAnObject = await post(JSON.stringify(["laptop"]));
  assert.equal(notAnObject.status, 400);
  assert.equal(await machineCount(), 0);
});

test("unknown fields are a 400 naming them", async () => {
  const { status, json } = await post(JSON.stringify({ name: "laptop", arch: "x86_64", ownerId: "someone-else", isAdmin: true }));
  assert.equal(status, 400);
  assert.match(json.error.message, /unknown fields "ownerId", "isAdmin"/);
  assert.equal(await machineCount(), 0);
});

test("a huge body is a 413 before it is parsed, with or without Content-Length", async () => {
  const huge = JSON.stringify({ name: "laptop", arch: "x86_64", notes: "x".repeat(MAX_JSON_BODY_BYTES) });
  const declared = await post(huge, { "content-length": String(Buffer.byteLength(huge)) });
  assert.equal(declared.status, 413);
  assert.equal(declared.json.error.code, "TOO_LARGE");
  // A streamed body without a length is counted as it arrives.
  const streamed = await post(new TextEncoder().encode(huge), { "content-type": "application/json" });
  assert.equal(streamed.status, 413);
  assert.equal(await machineCount(), 0);
});

test("a non-JSON content type and an empty body are 400s", async () => {
  const form = await post("name=laptop&arch=x86_64", { "content-type": "application/x-www-form-urlencoded" });
  assert.equal(form.status, 400);
  assert.match(form.json.error.message, /Content-Type: application\/json/);
  const empty = await post("");
  assert.equal(empty.status, 400);
  assert.match(empty.json.error.message, /needs a JSON body/);
  assert.equal(await machineCount(), 0);
});

test("no token, a malformed header and an unknown token are 401s with JSON errors", async () => {
  const none = await callRoute(listMachinesRoute, {});
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, "UNAUTHORIZED");
  const malformed = await callRoute(listMachinesRoute, { headers: { authorization: "Token abc" } });
  assert.equal(malformed.status, 401);
  const unknown = await callRoute(listMachinesRoute, { token: "zxcv_not-a-real-token" });
  assert.equal(unknown.status, 401);
  assert.match(unknown.json.error.message, /revoked/);
});

test("a profile text body above its cap is a 413; wrong query types are a 400", async () => {
  const big = await callRoute(putProfileText, {
    method: "PUT",
    token: ada.token,
    params: { id: "whatever" },
    body: "#".repeat(PROFILE_TEXT_MAX_BYTES + 1),
    headers: { "content-type": "text/plain" },
  });
  assert.equal(big.status, 413);
  const badQuery = await callRoute(putProfileText, {
    method: "PUT",
    path: "/api/v1/profiles/x/text?baseNumber=two",
    token: ada.token,
    params: { id: "x" },
    body: "channel = mini\n",
    headers: { "content-type": "text/plain" },
  });
  assert.equal(badQuery.status, 400);
  assert.match(badQuery.json.error.message, /query\.baseNumber/);
  const unknownQuery = await callRoute(putProfileText, {
    method: "PUT",
    path: "/api/v1/profiles/x/text?force=1",
    token: ada.token,
    params: { id: "x" },
    body: "channel = mini\n",
    headers: { "content-type": "text/plain" },
  });
  assert.equal(unknownQuery.status, 400);
  assert.match(unknownQuery.json.error.message, /unknown field "force"/);
});

test("a valid body creates the machine, and its response is the documented shape", async () => {
  const { status, json } = await post(JSON.stringify({ name: "laptop", arch: "x86_64" }));
  assert.equal(status, 201);
  assert.equal(json.name, "laptop");
  assert.equal(json.notes, "");
  assert.equal(json.ownerId, undefined, "owner ids are not part of the documented shape");
  assert.equal(await machineCount(), 1);
});
