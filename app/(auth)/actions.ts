"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/actions";
import { clientAddress } from "@/lib/auth/client-address";
import { createSession, deleteSession, SESSION_COOKIE, signUpSchema } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { enforceSignUpRateLimit } from "@/lib/rate-limit";
import { registerUser } from "@/lib/users";

/** What the sign-in form sends; its real checks (sizes first, then the schema) are signInWithPassword's. */
const signInFields = z.object({ email: z.unknown(), password: z.unknown() });

async function startSession(userId: string): Promise<void> {
  const { token, expiresAt } = await createSession(userId);
  const jar = await cookies();
  jar.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: getEnv().APP_URL.startsWith("https://"),
    path: "/",
    expires: expiresAt,
  });
}

/** Creates an account (through the setup link, an invitation, or open sign-up) and signs it in; rate-limited per address. */
export const signUp = validatedAction(signUpSchema, async (input, { form }) => {
  await enforceSignUpRateLimit({ address: clientAddress(await headers()) });
  const invite = form instanceof FormData ? String(form.get("invite") ?? "") : "";
  const actor = await registerUser({ ...input, inviteToken: invite || undefined });
  await startSession(actor.id);
  redirect("/machines");
});

/** Signs in with email and password; sizes are checked first, and repeated failures slow down rather than lock (lib/auth/sign-in.ts). */
export const signIn = validatedAction(signInFields, async (input) => {
  const actor = await signInWithPassword({ ...input, address: clientAddress(await headers()) });
  await startSession(actor.id);
  redirect("/machines");
});

/** Ends this session. */
export async function signOut(): Promise<void> {
  const jar = await cookies();
  await deleteSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/sign-in");
}
