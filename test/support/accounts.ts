import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { createSession } from "@/lib/auth/sessions";
import { createApiToken } from "@/lib/api-tokens";
import { getDb } from "@/lib/db";

export type TestPerson = { actor: Actor; token: string; sessionCookie: string };

/** A signed-up person with an API token and a browser session, straight through the data layer. */
export async function makePerson(label: string): Promise<TestPerson> {
  const email = `${label}-${randomUUID()}@example.test`;
  const user = await getDb().user.create({ data: { email, name: label, passwordHash: "unused" } });
  const actor: Actor = { id: user.id, role: user.role, email, name: label };
  const { token } = await createApiToken({ actor, name: `${label} test` });
  const session = await createSession(user.id);
  return { actor, token, sessionCookie: `zxcv_session=${session.token}` };
}

export async function deletePeople(people: (TestPerson | undefined)[]): Promise<void> {
  const ids = people.filter((p): p is TestPerson => Boolean(p)).map((p) => p.actor.id);
  await getDb().user.deleteMany({ where: { id: { in: ids } } });
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler as Next.js would, with a bearer token (or none), a body and route params. */
export async function callRoute(
  handler: Handler,
  {
    method = "GET",
    path = "/api/v1/test",
    token,
    body,
    headers = {},
    params = {},
  }: { method?: string; path?: string; token?: string; body?: string | Uint8Array; headers?: Record<string, string>; params?: Record<string, string> },
): Promise<{ status: number; json: any; text: string; response: Response }> {
  const allHeaders: Record<string, string> = { ...headers };
  if (token) allHeaders.authorization = `Bearer ${token}`;
  if (typeof body === "string" && !("content-type" in allHeaders)) allHeaders["content-type"] = "application/json";
  const request = new Request(`http://127.0.0.1${path}`, { method, headers: allHeaders, body: body as BodyInit | undefined });
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, response };
}
