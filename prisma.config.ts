// Prisma CLI configuration. Migrations run on the Wasm schema engine that ships inside the `prisma`
// package (engine "js" + a driver adapter), so `migrate dev/deploy` work offline: the CLI never
// downloads a native engine. The three workarounds below are each marked.
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

const databaseUrl = process.env.DATABASE_URL ?? "";

// Workaround 1 (prisma/prisma#27403): the adapter refuses the Postgres column types "char" (oid 18)
// and name (19), which the schema engine's introspection queries return. Report them as text (oid 25).
type PerformIO = (query: unknown) => Promise<{ fields?: { dataTypeID: number }[] }>;
function readCharAndNameAsText(adapter: object): void {
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as { performIO: PerformIO; patched?: true };
  if (queryable.patched) return;
  const performIO = queryable.performIO;
  queryable.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    for (const field of result.fields ?? []) if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
    return result;
  };
  queryable.patched = true;
}

// Workaround 2: PrismaPg.connectToShadowDb() connects to the main database when given a URL, and drops
// the shadow database while its pool is still open. This factory makes a uniquely named database and
// drops it only after the adapter is disposed.
// Workaround 3: the pools are made with allowExitOnIdle, else their 10 s idle timers keep the CLI alive.
class ShadowAwarePg extends PrismaPg {
  constructor(private readonly url: string) {
    super({ connectionString: url, allowExitOnIdle: true });
  }
  override async connect() {
    const adapter = await super.connect();
    readCharAndNameAsText(adapter);
    return adapter;
  }
  override async connectToShadowDb() {
    const name = `zxcv_shadow_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    // The engine does not always dispose the shadow adapter: sweep databases left by earlier runs.
    const stale = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'zxcv_shadow_%'");
    for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const shadowUrl = new URL(this.url);
    shadowUrl.pathname = `/${name}`;
    const adapter = await new PrismaPg({ connectionString: shadowUrl.toString(), allowExitOnIdle: true }).connect();
    readCharAndNameAsText(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleanup = new pg.Client({ connectionString: this.url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}"`);
      await cleanup.end();
    };
    return adapter;
  }
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new ShadowAwarePg(databaseUrl),
});
