// The committed migrations build the schema from an empty database, offline, and agree with schema.prisma.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import pg from "pg";
import { createDatabaseIfMissing, dropDatabase } from "../../scripts/stack/postgres";

const server = process.env.DATABASE_URL;
const url = new URL(server ?? "postgresql://missing");
url.pathname = `/zxcv_migrate_${randomBytes(4).toString("hex")}`;
const emptyDb = url.toString();

function prisma(...args: string[]) {
  return spawnSync("node_modules/.bin/prisma", args, { encoding: "utf8", env: { ...process.env, DATABASE_URL: emptyDb } });
}

before(async () => {
  assert.ok(server, "DATABASE_URL must point at a PostgreSQL server (npm test provides one)");
  await createDatabaseIfMissing(emptyDb);
});
after(() => dropDatabase(emptyDb));

test("migrate deploy builds every table on an empty database, without downloading an engine", async () => {
  const deploy = prisma("migrate", "deploy");
  assert.equal(deploy.status, 0, deploy.stdout + deploy.stderr);
  assert.doesNotMatch(deploy.stdout + deploy.stderr, /binaries\.prisma|download/i);
  const client = new pg.Client({ connectionString: emptyDb });
  await client.connect();
  const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  await client.end();
  const names = tables.rows.map((r) => r.tablename);
  for (const table of [
    "User",
    "Session",
    "ApiToken",
    "Machine",
    "Profile",
    "ProfileRevision",
    "Build",
    "Artifact",
    "BuildHost",
    "Channel",
    "_prisma_migrations",
  ]) {
    assert.ok(names.includes(table), `table ${table} exists (have: ${names.join(", ")})`);
  }
  const status = prisma("migrate", "status");
  assert.equal(status.status, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /Database schema is up to date/);
});

test("the migrations and schema.prisma agree (a schema change without its migration fails here)", () => {
  const diff = prisma("migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code");
  assert.equal(diff.status, 0, `schema.prisma differs from the migrations: run \`npx prisma migrate dev --name ...\`\n${diff.stdout}${diff.stderr}`);
});
