import { z } from "zod";
import * as s from "./schemas";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** One documented operation. The route files validate with the same schemas named here. */
export type RouteDoc = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The request body is a text/plain profile file. */
  textBody?: boolean;
  status: number;
  /** JSON response body; or `contentType` for text, SSE and ISO bytes. */
  response?: z.ZodType;
  contentType?: "text/plain" | "text/event-stream" | "application/octet-stream";
  description?: string;
};

export const API_ROUTES: RouteDoc[] = [
  { method: "get", path: "/api/v1/me", tag: "account", summary: "Who the token or session acts for", status: 200, response: s.meSchema },
  { method: "get", path: "/api/v1/tokens", tag: "account", summary: "List your API tokens", status: 200, response: s.apiTokenListSchema },
  {
    method: "post",
    path: "/api/v1/tokens",
    tag: "account",
    summary: "Create an API token, signed in to the dashboard (a token cannot create tokens; its secret is in this response only)",
    body: s.createApiTokenBody,
    status: 201,
    response: s.createdApiTokenSchema,
  },
  {
    method: "delete",
    path: "/api/v1/tokens/{id}",
    tag: "account",
    summary: "Revoke an API token: it stops working at once",
    status: 200,
    response: s.apiTokenSchema,
  },

  { method: "get", path: "/api/v1/channels", tag: "catalog", summary: "List the channels (package sets)", status: 200, response: s.channelListSchema },
  {
    method: "get",
    path: "/api/v1/channels/{name}",
    tag: "catalog",
    summary: "A channel with its catalog of roles, alternatives and featured packages",
    status: 200,
    response: s.channelSchema,
  },
  {
    method: "get",
    path: "/api/v1/channels/{name}/packages",
    tag: "catalog",
    summary: "Search a channel's packages by name and description, ranked (exact name first), with what each adds to `selected`",
    query: s.packageSearchQuery,
    status: 200,
    response: s.packageSearchSchema,
  },
  {
    method: "get",
    path: "/api/v1/channels/{name}/packages/closure",
    tag: "catalog",
    summary: "The catalog entries of some packages and of everything they pull in (what validating a selection reads)",
    query: s.packageClosureQuery,
    status: 200,
    response: s.packageClosureSchema,
  },

  { method: "get", path: "/api/v1/machines", tag: "machines", summary: "List your machines", status: 200, response: s.machineListSchema },
  {
    method: "post",
    path: "/api/v1/machines",
    tag: "machines",
    summary: "Register a machine",
    body: s.createMachineBody,
    status: 201,
    response: s.machineSchema,
  },
  { method: "get", path: "/api/v1/machines/{id}", tag: "machines", summary: "A machine", status: 200, response: s.machineSchema },
  {
    method: "patch",
    path: "/api/v1/machines/{id}",
    tag: "machines",
    summary: "Rename a machine or change its architecture or notes",
    body: s.updateMachineBody,
    status: 200,
    response: s.machineSchema,
  },
  { method: "delete", path: "/api/v1/machines/{id}", tag: "machines", summary: "Delete a machine with its profiles, builds and ISOs", status: 204 },

  {
    method: "get",
    path: "/api/v1/profiles",
    tag: "profiles",
    summary: "List a machine's profiles",
    query: s.profileListQuery,
    status: 200,
    response: s.profileListSchema,
  },
  {
    method: "post",
    path: "/api/v1/profiles",
    tag: "profiles",
    summary: "Create a profile (revision 1 is the given selection or the channel's defaults)",
    body: s.createProfileBody,
    status: 201,
    response: s.profileDetailSchema,
  },
  {
    method: "get",
    path: "/api/v1/profiles/{id}",
    tag: "profiles",
    summary: "A profile with its latest revision",
    status: 200,
    response: s.profileDetailSchema,
  },
  {
    method: "patch",
    path: "/api/v1/profiles/{id}",
    tag: "profiles",
    summary: "Rename a profile",
    body: s.updateProfileBody,
    status: 200,
    response: s.profileSchema,
  },
  { method: "delete", path: "/api/v1/profiles/{id}", tag: "profiles", summary: "Delete a profile with its revisions, builds and ISOs", status: 204 },
  {
    method: "get",
    path: "/api/v1/profiles/{id}/text",
    tag: "profiles",
    summary: "The latest revision as a profile file",
    status: 200,
    contentType: "text/plain",
  },
  {
    method: "put",
    path: "/api/v1/profiles/{id}/text",
    tag: "profiles",
    summary: "Save a profile file as a new revision (errors name their line)",
    query: s.profileTextQuery,
    textBody: true,
    status: 200,
    response: s.savedTextSchema,
  },
  {
    method: "post",
    path: "/api/v1/profiles/{id}/share",
    tag: "sharing",
    summary: "Share a profile by link (sharing it again returns the same link)",
    status: 200,
    response: s.shareSchema,
  },
  { method: "delete", path: "/api/v1/profiles/{id}/share", tag: "sharing", summary: "Stop sharing a profile: its link answers 404 at once", status: 204 },
  {
    method: "get",
    path: "/api/v1/profiles/{id}/revisions",
    tag: "profiles",
    summary: "Every revision of a profile, newest first",
    status: 200,
    response: s.revisionListSchema,
  },
  {
    method: "post",
    path: "/api/v1/profiles/{id}/revisions",
    tag: "profiles",
    summary: "Save a selection as a new revision",
    body: s.createRevisionBody,
    status: 201,
    response: s.revisionSchema,
  },
  { method: "get", path: "/api/v1/profiles/{id}/revisions/{number}", tag: "profiles", summary: "One revision", status: 200, response: s.revisionSchema },

  {
    method: "get",
    path: "/api/v1/builds",
    tag: "builds",
    summary: "Your builds, newest first, a page at a time",
    query: s.pageQuery,
    status: 200,
    response: s.buildListSchema,
  },
  {
    method: "post",
    path: "/api/v1/builds",
    tag: "builds",
    summary: "Build a revision (an identical earlier build returns its ISO at once)",
    body: s.createBuildBody,
    status: 201,
    response: s.buildSchema,
  },
  {
    method: "get",
    path: "/api/v1/builds/{id}",
    tag: "builds",
    summary: "A build with its status, phase, progress and ISO",
    status: 200,
    response: s.buildSchema,
  },
  { method: "post", path: "/api/v1/builds/{id}/cancel", tag: "builds", summary: "Cancel a queued or running build", status: 200, response: s.buildSchema },
  {
    method: "post",
    path: "/api/v1/builds/{id}/retry",
    tag: "builds",
    summary: "Queue a failed or cancelled build again",
    status: 200,
    response: s.buildSchema,
  },
  {
    method: "post",
    path: "/api/v1/builds/{id}/share",
    tag: "sharing",
    summary: "Share a build's ISO, log and configuration by link (only a build with an ISO)",
    status: 200,
    response: s.shareSchema,
  },
  {
    method: "delete",
    path: "/api/v1/builds/{id}/share",
    tag: "sharing",
    summary: "Stop sharing a build: its link and downloads answer 404 at once",
    status: 204,
  },
  { method: "get", path: "/api/v1/builds/{id}/log", tag: "builds", summary: "The build log so far, as text", status: 200, contentType: "text/plain" },
  {
    method: "get",
    path: "/api/v1/builds/{id}/events",
    tag: "builds",
    summary: "The build log and phases as Server-Sent Events (resumes from Last-Event-ID)",
    status: 200,
    contentType: "text/event-stream",
    description:
      "Every event's data is JSON: first `status` ({status, phase, progress, failureReason}), then `line` ({text}), `phase` ({phase, progress, detail}) " +
      "and finally `end` ({status, reason}), after which the stream closes. Event ids are stream ids: send the last one as Last-Event-ID to resume.",
  },

  {
    method: "get",
    path: "/api/v1/builds/{id}/sizes",
    tag: "sizes",
    summary: "Where the build's ISO size goes: each part with its version and bytes, the totals, and the profile's budget",
    status: 200,
    response: s.buildSizeRecordSchema,
  },
  {
    method: "get",
    path: "/api/v1/builds/{id}/diff",
    tag: "sizes",
    summary: "What changed in size against another build (default: the previous successful build of the same profile), largest change first",
    query: s.buildDiffQuery,
    status: 200,
    response: s.buildSizeComparisonSchema,
  },
  {
    method: "put",
    path: "/api/v1/profiles/{id}/size-budget",
    tag: "sizes",
    summary: "Set or remove a profile's ISO size budget: a build over it says so and shows what grew",
    body: s.sizeBudgetBody,
    status: 200,
    response: s.sizeBudgetSchema,
  },

  {
    method: "get",
    path: "/api/v1/hosts",
    tag: "hosts",
    summary: "The build hosts: online or not, architecture, capacity, revoked or not",
    status: 200,
    response: s.buildHostListSchema,
  },
  {
    method: "post",
    path: "/api/v1/hosts/{id}/revoke",
    tag: "hosts",
    summary: "Revoke a build host's token (admins): its next request gets 401 and its running builds are queued again",
    status: 200,
    response: s.buildHostSchema,
  },

  {
    method: "get",
    path: "/api/v1/isos",
    tag: "isos",
    summary: "Your built ISOs, newest first, a page at a time",
    query: s.pageQuery,
    status: 200,
    response: s.isoListSchema,
  },
  {
    method: "get",
    path: "/api/v1/isos/SHA256SUMS",
    tag: "isos",
    summary: "`sha256  filename` lines for your ISOs, as sha256sum -c reads them",
    status: 200,
    contentType: "text/plain",
  },
  {
    method: "get",
    path: "/api/v1/isos/{id}/download",
    tag: "isos",
    summary: "Download an ISO (resumable with Range: 206, 416; its sha256 is in the X-Content-SHA256 header)",
    status: 200,
    contentType: "application/octet-stream",
  },
];

const ERRORS: Record<number, string> = {
  400: "Invalid input: malformed JSON, wrong types or unknown fields",
  401: "No valid session or API token",
  404: "No such object, or not yours",
  409: "Conflicts with the current state",
  413: "The body is too large",
  429: "Too many requests",
};

function jsonSchemaOf(schemas: Record<string, z.ZodType>, io: "input" | "output") {
  const converted = z.toJSONSchema(z.object(schemas), {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  });
  // Schemas with a meta id are lifted into $defs; in OpenAPI they live under components.schemas.
  const relinked = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/')) as {
    properties?: Record<string, unknown>;
    $defs?: Record<string, unknown>;
  };
  return { properties: relinked.properties ?? {}, defs: relinked.$defs ?? {} };
}

/** The OpenAPI 3.1 document, generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument(serverUrl?: string) {
  const inputs: Record<string, z.ZodType> = {};
  const outputs: Record<string, z.ZodType> = { Error: s.errorSchema };
  API_ROUTES.forEach((route, index) => {
    if (route.body) inputs[`b${index}`] = route.body;
    if (route.query) inputs[`q${index}`] = route.query;
    if (route.response) outputs[`r${index}`] = route.response;
  });
  const input = jsonSchemaOf(inputs, "input");
  const output = jsonSchemaOf(outputs, "output");
  // Schemas with a meta id (Error among them) are in the defs; the properties only $ref them.
  const components = { ...stripSchemaKeys(input.defs), ...stripSchemaKeys(output.defs) };

  const paths: Record<string, Record<string, unknown>> = {};
  API_ROUTES.forEach((route, index) => {
    const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: m[1] === "number" ? { type: "integer", minimum: 1 } : { type: "string" },
    }));
    const query = input.properties[`q${index}`] as { properties?: Record<string, { description?: string }>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(query?.properties ?? {})) {
      parameters.push({ name, in: "query", required: query?.required?.includes(name) ?? false, schema, description: schema.description });
    }
    const responses: Record<string, unknown> = {};
    const success = route.response
      ? { description: route.summary, content: { "application/json": { schema: stripSchemaKey(output.properties[`r${index}`]) } } }
      : route.contentType
        ? {
            description: route.description ?? route.summary,
            content: { [route.contentType]: { schema: { type: "string", ...(route.contentType === "application/octet-stream" ? { format: "binary" } : {}) } } },
          }
        : { description: route.summary };
    responses[String(route.status)] = success;
    const errorCodes = [401, 404, ...(route.body || route.textBody || route.query ? [400, 413] : []), ...(route.method === "get" ? [] : [409])];
    // Both are refused past the per-person cap on queued and running builds.
    if (route.method === "post" && (route.path === "/api/v1/builds" || route.path.endsWith("/retry"))) errorCodes.push(429);
    for (const code of [...new Set(errorCodes)].sort()) {
      responses[String(code)] = { description: ERRORS[code], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${route.path
        .replace(/^\/api\/v1/, "")
        .replace(/\{(\w+)\}/g, "By_$1")
        .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      tags: [route.tag],
      responses,
    };
    if (route.description) operation.description = route.description;
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) operation.requestBody = { required: true, content: { "application/json": { schema: stripSchemaKey(input.properties[`b${index}`]) } } };
    if (route.textBody) operation.requestBody = { required: true, content: { "text/plain": { schema: { type: "string", maxLength: 65536 } } } };
    (paths[route.path] ??= {})[route.method] = operation;
  });

  return {
    openapi: "3.1.0",
    info: {
      title: "ZXCV Composer API",
      version: "1.0.0",
      description:
        'Everything the dashboard\'s pages do. Authenticate with a personal API token: `Authorization: Bearer zxcv_...`. Errors are JSON: `{ "error": { "code", "message" } }`.',
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    tags: [...new Set(API_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A personal API token from Settings > API tokens" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "zxcv_session" },
      },
    },
  };
}

function stripSchemaKey(schema: unknown): unknown {
  if (!schema || typeof schema !== "object") return schema;
  const { $schema: _, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function stripSchemaKeys(defs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(defs).map(([key, value]) => [key, stripSchemaKey(value)]));
}
