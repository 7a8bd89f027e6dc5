// Profile save and Build under load, as REST calls and as the configurator's server actions, on a profile with
// 1,000 revisions, each against /sign-in measured just before in the same run. Server actions are called as the
// browser calls them: the save action's request is written as React writes it (the action id from the build's
// manifest, the arguments as JSON); the Build action's (bound to its revision, encrypted by Next.js) is taken
// from a real click in Chromium and sent again. Build requests are capped per person per hour (lib/rate-limit.ts):
// they are spread over several people and kept under each one's cap.
import { readFileSync } from "node:fs";
import type pg from "pg";
import { drain, load, loadRows, type Load } from "./dashboard-load";
import { PEOPLE, seedPeople } from "./seed";
import { figure, launchChromium, type Figure } from "./support";

const GROUP = "writes (loopback), profile with 1,000 revisions";
const BUILDS_PER_PERSON = 28;

function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name);
  if (!found) throw new Error(`no server action ${name} in .next/server/server-reference-manifest.json`);
  return found[0];
}

export async function benchWrites(options: { appUrl: string; client: pg.Client; seconds?: number; log?: (s: string) => void }): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 6;
  const { createSession, SESSION_COOKIE } = await import("../lib/auth/sessions");
  const { createApiToken } = await import("../lib/api-tokens");
  const { loadCatalog } = await import("../worker/engine/channels");
  const { canonicalizeSelection, defaultSelection, selectionHash } = await import("../contracts/selection");
  const selection = canonicalizeSelection(defaultSelection(loadCatalog("mini")));
  const dashboard = await seedPeople(options.client, { selection, configHash: selectionHash(selection), revisions: 1000 });
  const people = await Promise.all(
    Array.from({ length: PEOPLE }, async (_, p) => {
      const actor = { id: `u${dashboard.tag}${p}`, role: "MEMBER" as const, email: `bench-${dashboard.tag}-${p}@example.org`, name: `Bench person ${p}` };
      const { token } = await createApiToken({ actor, name: "bench" });
      const session = await createSession(actor.id);
      return { authorization: `Bearer ${token}`, sessionToken: session.token, revisionId: `r${dashboard.tag}${p}_0_0` };
    }),
  );
  const { profileId, machineId } = dashboard.you;
  const profilePage = `${options.appUrl}/machines/${machineId}/profiles/${profileId}`;
  const cookieOf = (p: number) => `${SESSION_COOKIE}=${people[p]!.sessionToken}`;

  log("writes: /sign-in, then saves and builds over REST and as server actions");
  const signIn = await load(`${options.appUrl}/sign-in`, {}, seconds);
  await drain(options.appUrl);
  const rows: Figure[] = [
    figure(GROUP, "/sign-in (baseline): requests/s", signIn.rps, "req/s"),
    figure(GROUP, "/sign-in: p99 latency", signIn.p99, "ms", { note: `p50 ${signIn.p50} ms` }),
  ];

  // REST save: the profile file on top of the latest revision (no base: concurrent saves do not refuse each other).
  const text = await (await fetch(`${options.appUrl}/api/v1/profiles/${profileId}/text`, { headers: { authorization: people[0]!.authorization } })).text();
  const restSave = await load(
    `${options.appUrl}/api/v1/profiles/${profileId}/text`,
    { authorization: people[0]!.authorization, "content-type": "text/plain" },
    seconds,
    {
      method: "PUT",
      body: text,
    },
  );
  await drain(options.appUrl);
  rows.push(...loadRows(GROUP, "REST save (PUT /api/v1/profiles/:id/text)", restSave, signIn));

  // REST Build: people 0..PEOPLE-2 take turns; the first request of each queues a build, the rest find it queued.
  let turn = 0;
  const restBuild = await load(`${options.appUrl}/api/v1/builds`, {}, seconds, {
    amount: BUILDS_PER_PERSON * (PEOPLE - 1),
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const p = turn++ % (PEOPLE - 1);
          return {
            ...request,
            headers: { authorization: people[p]!.authorization, "content-type": "application/json" },
            body: JSON.stringify({ revisionId: people[p]!.revisionId }),
          };
        },
      },
    ],
  });
  await drain(options.appUrl);
  rows.push(...withSamples(loadRows(GROUP, "REST Build (POST /api/v1/builds)", restBuild, signIn), restBuild));

  // The save action, one save after another (each on top of the one before, as one person saves).
  const before = await countRevisions(options.client, profileId);
  let base = before;
  const saveId = actionId("saveProfileAction");
  const actionSave = await load(profilePage, {}, seconds, {
    connections: 1,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          headers: {
            "next-action": saveId,
            "content-type": "text/plain;charset=UTF-8",
            accept: "text/x-component",
            origin: options.appUrl,
            cookie: cookieOf(0),
          },
          body: JSON.stringify([{ profileId, baseNumber: base++, selection, message: "bench" }]),
        }),
      },
    ],
  });
  await drain(options.appUrl);
  const landed = (await countRevisions(options.client, profileId)) - before;
  rows.push(
    ...loadRows(GROUP, "server action save (saveProfileAction)", actionSave, signIn).map((f) => ({
      ...f,
      note:
        f.unit === "req/s"
          ? `1 connection: one person's saves in a row, ${actionSave.requests} answered and ${landed} revisions saved (a save in flight as the load stops lands unanswered)`
          : f.note,
    })),
  );

  // The Build action as the configurator sends it, taken from a click by the last person, then sent again (it answers
  // the build id; the build page the click opens next is its own request).
  const browser = await launchChromium();
  let captured: { url: string; headers: Record<string, string>; body: string } | undefined;
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: people[PEOPLE - 1]!.sessionToken, url: options.appUrl }]);
    const page = await context.newPage();
    page.on("request", (request) => {
      const headers = request.headers();
      if (request.method() === "POST" && headers["next-action"]) captured ??= { url: request.url(), headers, body: request.postData() ?? "" };
    });
    await page.goto(`${options.appUrl}/machines/m${dashboard.tag}${PEOPLE - 1}_0/profiles/p${dashboard.tag}${PEOPLE - 1}_0_0`);
    await page.getByRole("button", { name: /^Build revision \d+$/ }).click();
    await page.waitForURL(/\/builds\/[^/]+$/);
  } finally {
    await browser.close();
  }
  if (!captured) throw new Error("the Build click sent no server action request");
  const { "content-length": _, ...capturedHeaders } = captured.headers;
  const actionBuild = await load(captured.url, { ...capturedHeaders, cookie: cookieOf(PEOPLE - 1) }, seconds, {
    method: "POST",
    body: captured.body,
    amount: BUILDS_PER_PERSON,
  });
  rows.push(...withSamples(loadRows(GROUP, "server action Build (buildRevisionAction)", actionBuild, signIn), actionBuild));
  await cancelQueuedBuilds(options.client, dashboard.tag);
  return rows;
}

/**
 * The builds these requests queued are cancelled (their jobs leave the queue): left queued, the next build host
 * started in the run (the test-drive step's) took them and had no slot left for a test-drive.
 */
async function cancelQueuedBuilds(client: pg.Client, tag: string): Promise<void> {
  const { cancelBuild } = await import("../lib/builds");
  const { rows } = await client.query<{ id: string; requestedById: string }>(
    `SELECT id, "requestedById" FROM "Build" WHERE "requestedById" LIKE $1 AND status IN ('QUEUED', 'RUNNING')`,
    [`u${tag}%`],
  );
  for (const build of rows) {
    await cancelBuild({ actor: { id: build.requestedById, role: "MEMBER", email: "", name: "the writes benchmark" }, buildId: build.id });
  }
}

async function countRevisions(client: pg.Client, profileId: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "ProfileRevision" WHERE "profileId" = $1`, [profileId]);
  return Number(rows[0]!.n);
}

/** A fixed number of requests (the per-person cap): the note says how many the p99 is of. */
function withSamples(figures: Figure[], l: Load): Figure[] {
  return figures.map((f) => (f.unit === "ms" ? { ...f, note: `${f.note}; of ${l.requests} requests (builds are capped per person per hour)` } : f));
}
