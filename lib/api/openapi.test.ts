// The generated OpenAPI document: valid OpenAPI 3.1, every $ref resolves, and the router and the document agree
// (every documented operation has a route export, every route export is documented).
// Run: node --import tsx --test lib/api/openapi.test.ts
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { API_ROUTES, buildOpenApiDocument } from "./openapi";

const doc = buildOpenApiDocument("http://127.0.0.1:3000");
const ROOT = "app/api/v1";

function routeFileOf(apiPath: string): string {
  const segments = apiPath
    .replace(/^\/api\/v1\/?/, "")
    .split("/")
    .filter(Boolean);
  // Route folders name their parameter as the document does: {id} is [id].
  return path.join(ROOT, ...segments.map((s) => s.replace(/^\{(\w+)\}$/, "[$1]")), "route.ts");
}

function exportedMethods(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^export (?:const|async function) (GET|POST|PUT|PATCH|DELETE|HEAD)\b/gm)].map((m) => m[1]!.toLowerCase());
}

function findRouteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? findRouteFiles(full) : entry.name === "route.ts" ? [full] : [];
  });
}

test("the document is valid OpenAPI 3.1", async () => {
  const result = await new Validator().validate(structuredClone(doc));
  assert.ok(result.valid, JSON.stringify(result, null, 2).slice(0, 3000));
});

test("every $ref points at a component, and no component is only a reference to itself", () => {
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
  for (const ref of refs) assert.ok(ref in doc.components.schemas, `#/components/schemas/${ref} is missing`);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    assert.notDeepEqual(schema, { $ref: `#/components/schemas/${name}` }, `${name} refers to itself`);
  }
});

test("every documented operation has its route export, and every /api/v1 export is documented", () => {
  for (const route of API_ROUTES) {
    const file = routeFileOf(route.path);
    assert.ok(existsSync(file), `${route.method.toUpperCase()} ${route.path}: ${file} does not exist`);
    assert.ok(exportedMethods(file).includes(route.method), `${file} does not export ${route.method.toUpperCase()}`);
  }
  const documented = new Set(API_ROUTES.map((r) => `${r.method} ${routeFileOf(r.path)}`));
  documented.add(`get ${path.join(ROOT, "openapi.json", "route.ts")}`);
  for (const file of findRouteFiles(ROOT)) {
    for (const method of exportedMethods(file))
      assert.ok(documented.has(`${method} ${file}`), `${method.toUpperCase()} in ${file} is not in the OpenAPI document`);
  }
});

test("each route file says what it does over each export", () => {
  for (const file of findRouteFiles(ROOT)) {
    const source = readFileSync(file, "utf8");
    for (const method of exportedMethods(file)) {
      assert.match(
        source,
        new RegExp(`// ${method.toUpperCase()} /api/v1/\\S* - .+\\n(export|\\S)`),
        `${file}: a "// ${method.toUpperCase()} /api/v1/... - what it does" line`,
      );
    }
  }
});
