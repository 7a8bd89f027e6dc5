// The OpenAPI document at /api/v1/openapi.json validates against the OpenAPI 3.1 schema, and every route in it
// answers as documented against the running stack: the documented status, content type and JSON Schema.
// Run: npm test (it starts the stack and sets BASE_URL and DATABASE_URL).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { getDb } from "@/lib/db";
import { isBuildActive } from "@/lib/builds/state";
import { createHostToken } from "@/lib/hosts";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl } from "@/test/support/cli";
import { waitFor } from "@/test/support/wait";

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

let baseUrl: string;
let doc: Doc;
let person: TestPerson;
const answered = new Set<string>();

before(async () => {
  baseUrl = requireBaseUrl();
  person = await makePerson("openapi");
  const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
  assert.equal(response.status, 200, "the document is public");
  doc = (await response.json()) as Doc;
});

after(async () => {
  await deletePeople([person]);
  await getDb().$disconnect();
});

test("the document validates against the OpenAPI 3.1 schema", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.ok(result.valid, `invalid OpenAPI document: ${JSON.stringify(result, null, 2).slice(0, 3000)}`);
  assert.equal(doc.openapi, "3.1.0");
  const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
  assert.equal(new Set(operationIds).size, operationIds.length, "operationIds are unique");
  for (const [path, ops] of Object.entries(doc.paths)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const op of Object.values(ops)) {
      const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      assert.deepEqual(declared.sort(), templated.sort(), `${path}: path parameters`);
    }
  }
});

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** Calls one documented operation and checks the answer against the document. */
async function call(
  method: string,
  template: string,
  values: Record<string, string>,
  init: { body?: unknown; text?: string; query?: string; headers?: Record<string, string> } = {},
) {
  const operation = doc.paths[template]?.[method];
  assert.ok(operation, `${method.toUpperCase()} ${template} is not in the document`);
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? "missing"));
  // A call with a session cookie (creating tokens needs one) sends no bearer token.
  const headers: Record<string, string> = init.headers?.cookie ? { ...init.headers } : { authorization: `Bearer ${person.token}`, ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  } else if (init.text !== undefined) {
    headers["content-type"] = "text/plain";
    body = init.text;
  }
  const response = await fetch(`${baseUrl}${path}${init.query ?? ""}`, { method: method.toUpperCase(), headers, body });
  const label = `${method.toUpperCase()} ${template}`;
  const [status, documented] = Object.entries(operation.responses).find(([code]) => code.startsWith("2"))!;
  const text = await response.text();
  assert.equal(String(response.status), status, `${label}: documented ${status}, got ${response.status}: ${text.slice(0, 300)}`);
  const [contentType, media] = Object.entries(documented.content ?? {})[0] ?? [];
  let json: any;
  if (contentType) {
    assert.ok(
      response.headers.get("content-type")?.startsWith(contentType),
      `${label}: content type ${response.headers.get("content-type")}, documented ${contentType}`,
    );
    if (contentType === "application/json") {
      json = JSON.parse(text);
      const validate = ajv.compile({ ...media!.schema, components: doc.components });
      assert.ok(validate(json), `${label}: the answer does not match its documented schema: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
    }
  } else {
    assert.equal(text, "", `${label}: documented without a body`);
  }
  answered.add(label);
  return { json, text, response };
}

async function waitForBuild(id: string): Promise<any> {
  return waitFor(
    `build ${id} to finish`,
    async () => {
      const { json } = await call("get", "/api/v1/builds/{id}", { id });
      return !isBuildActive(json.status) && json;
    },
    10 * 60_000,
  );
}

test("every documented route answers as documented", { timeout: 15 * 60_000 }, async () => {
  await call("get", "/api/v1/me", {});
  const token = await call(
    "post",
    "/api/v1/tokens",
    {},
    { body: { name: "documented", expiresInDays: 30 }, headers: { cookie: person.sessionCookie, origin: baseUrl } },
  );
  await call("get", "/api/v1/tokens", {});
  await call("delete", "/api/v1/tokens/{id}", { id: token.json.apiToken.id });

  const channels = await call("get", "/api/v1/channels", {});
  assert.ok(channels.json.channels.some((c: { name: string }) => c.name === "mini"));
  await call("get", "/api/v1/channels/{name}", { name: "mini" });
  const hits = await call("get", "/api/v1/channels/{name}/packages", { name: "mini" }, { query: "?q=tmux&selected=htop" });
  assert.equal(hits.json.packages[0].id, "tmux");
  const closure = await call("get", "/api/v1/channels/{name}/packages/closure", { name: "mini" }, { query: "?ids=tmux" });
  assert.ok(closure.json.packages.some((p: { id: string }) => p.id === "libevent-core-2.1-7"));

  const machine = await call("post", "/api/v1/machines", {}, { body: { name: "documented", arch: "x86_64", notes: "for the OpenAPI test" } });
  const machineId = machine.json.id as string;
  await call("get", "/api/v1/machines", {});
  await call("get", "/api/v1/machines/{id}", { id: machineId });
  await call("patch", "/api/v1/machines/{id}", { id: machineId }, { body: { notes: "changed" } });

  const profile = await call("post", "/api/v1/profiles", {}, { body: { machineId, name: "documented", channel: "mini" } });
  const profileId = profile.json.id as string;
  await call("get", "/api/v1/profiles", {}, { query: `?machineId=${machineId}` });
  await call("get", "/api/v1/profiles/{id}", { id: profileId });
  await call("patch", "/api/v1/profiles/{id}", { id: profileId }, { body: { name: "documented profile" } });
  const text = await call("get", "/api/v1/profiles/{id}/text", { id: profileId });
  const saved = await call("put", "/api/v1/profiles/{id}/text", { id: profileId }, { text: `${text.text}package = htop\n` });
  assert.equal(saved.json.created, true);
  assert.equal(saved.json.revision.number, 2);
  await call("get", "/api/v1/profiles/{id}/revisions", { id: profileId });
  const revision = await call(
    "post",
    "/api/v1/profiles/{id}/revisions",
    { id: profileId },
    { body: { baseNumber: 2, selection: profile.json.latest.selection, message: "back to defaults" } },
  );
  await call("get", "/api/v1/profiles/{id}/revisions/{number}", { id: profileId, number: "1" });

  const build = await call("post", "/api/v1/builds", {}, { body: { profileId } });
  const events = await call("get", "/api/v1/builds/{id}/events", { id: build.json.id });
  assert.match(events.text, /^event: end$/m, "the event stream ends with `end`");
  const done = await waitForBuild(build.json.id);
  assert.equal(done.status, "SUCCEEDED", `the build failed: ${done.failureReason}`);
  await call("get", "/api/v1/builds", {});
  const log = await call("get", "/api/v1/builds/{id}/log", { id: build.json.id });
  assert.ok(log.text.length > 0);
  const isos = await call("get", "/api/v1/isos", {});
  assert.equal(isos.json.isos[0].id, done.iso.id);
  const sums = await call("get", "/api/v1/isos/SHA256SUMS", {});
  assert.match(sums.text, new RegExp(`^${done.iso.sha256}  `, "m"));
  const download = await call("get", "/api/v1/isos/{id}/download", { id: done.iso.id });
  assert.equal(download.response.headers.get("x-content-sha256"), done.iso.sha256);

  const sizes = await call("get", "/api/v1/builds/{id}/sizes", { id: build.json.id });
  assert.equal(sizes.json.sizes.compressedBytes, done.iso.sizeBytes);
  await call("put", "/api/v1/profiles/{id}/size-budget", { id: profileId }, { body: { budgetBytes: done.iso.sizeBytes - 1 } });
  const diff = await call("get", "/api/v1/builds/{id}/diff", { id: build.json.id });
  assert.equal(diff.json.against, null, "the profile's first build has nothing earlier to compare with");
  assert.equal(diff.json.build.overBudgetBytes, 1);

  const sharedBuild = await call("post", "/api/v1/builds/{id}/share", { id: build.json.id });
  assert.match(sharedBuild.json.url, /\/share\/iso\/[\w-]{24}$/);
  await call("delete", "/api/v1/builds/{id}/share", { id: build.json.id });
  const sharedProfile = await call("post", "/api/v1/profiles/{id}/share", { id: profileId });
  assert.match(sharedProfile.json.url, /\/share\/p\/[\w-]{24}$/);
  await call("delete", "/api/v1/profiles/{id}/share", { id: profileId });

  // Cancel and retry a build of revision 2 (htop: not built yet, so it queues).
  const second = await call("post", "/api/v1/builds", {}, { body: { revisionId: saved.json.revision.id } });
  assert.notEqual(second.json.id, build.json.id);
  const cancelled = await call("post", "/api/v1/builds/{id}/cancel", { id: second.json.id });
  assert.equal(cancelled.json.status, "CANCELLED");
  const retried = await call("post", "/api/v1/builds/{id}/retry", { id: second.json.id });
  assert.equal(retried.json.status, "QUEUED");
  assert.equal(retried.json.attempt, 2);
  await call("post", "/api/v1/builds/{id}/cancel", { id: second.json.id });
  assert.ok(revision.json.number === 3);

  // Build hosts: an admin adds one (on the Hosts page; here through the data layer), lists it and revokes it.
  await getDb().user.update({ where: { id: person.actor.id }, data: { role: "ADMIN" } });
  const { host } = await createHostToken({ actor: { ...person.actor, role: "ADMIN" }, name: `documented-${Date.now()}`, arch: "x86_64" });
  const hosts = await call("get", "/api/v1/hosts", {});
  assert.ok(hosts.json.hosts.some((h: { id: string; revokedAt: string | null }) => h.id === host.id && h.revokedAt === null));
  const revokedHost = await call("post", "/api/v1/hosts/{id}/revoke", { id: host.id });
  assert.ok(revokedHost.json.revokedAt, "the host's token is revoked");

  await call("delete", "/api/v1/profiles/{id}", { id: profileId });
  await call("delete", "/api/v1/machines/{id}", { id: machineId });

  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
  assert.deepEqual(
    documented.filter((route) => !answered.has(route)),
    [],
    "every documented route was called",
  );
});

test("documented errors are JSON with a code and a message", async () => {
  const unauthenticated = await fetch(`${baseUrl}/api/v1/machines`);
  assert.equal(unauthenticated.status, 401);
  const body = (await unauthenticated.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "UNAUTHORIZED");
  const validate = ajv.compile({ allOf: [{ $ref: "#/components/schemas/Error" }], components: doc.components });
  assert.ok(validate(body), ajv.errorsText(validate.errors));
  const malformed = await fetch(`${baseUrl}/api/v1/machines`, {
    method: "POST",
    headers: { authorization: `Bearer ${person.token}`, "content-type": "application/json" },
    body: "{",
  });
  assert.equal(malformed.status, 400);
  assert.ok(validate(await malformed.json()));
});
