import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "./actor";
import { findSessionActor, SESSION_COOKIE } from "./sessions";

/** The signed-in person of this request, from the session cookie, or null (read once per render: layout and page share it). */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const jar = await cookies();
  return findSessionActor(jar.get(SESSION_COOKIE)?.value);
});

/** For pages and actions that need a person: sends everyone else to sign in. */
export async function requireActor(): Promise<Actor> {
  const actor = await getCurrentActor();
  if (!actor) redirect("/sign-in");
  return actor;
}
