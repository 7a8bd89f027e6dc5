"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { validatedAction } from "@/lib/actions";
import { createSession, deleteSession, SESSION_COOKIE, signInSchema, signUpSchema, verifyCredentials } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { enforceSignInRateLimit, resetRateLimitForSignIn } from "@/lib/rate-limit";
import { registerUser } from "@/lib/users";

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

/** Creates an account (the first is the admin; later ones by invitation unless sign-up is open) and signs it in. */
export const signUp = validatedAction(signUpSchema, async (input, { form }) => {
  const invite = form instanceof FormData ? String(form.get("invite") ?? "") : "";
  const actor = await registerUser({ ...input, inviteToken: invite || undefined });
  await startSession(actor.id);
  redirect("/machines");
});

/** Signs in with email and password, rate-limited per email and address. */
export const signIn = validatedAction(signInSchema, async (input) => {
  const ip = (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
  await enforceSignInRateLimit({ email: input.email, ip });
  const actor = await verifyCredentials(input);
  await resetRateLimitForSignIn({ email: input.email, ip });
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
