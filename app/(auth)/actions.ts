"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { createSession, deleteSession, SESSION_COOKIE, signInSchema, signUpSchema, verifyCredentials } from "@/lib/auth/sessions";
import { isAppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { enforceSignInRateLimit, resetRateLimitForSignIn } from "@/lib/rate-limit";
import { registerUser } from "@/lib/users";

export type AuthFormState = { message?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> };

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

function fieldErrorsOf(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[String(issue.path[0])] ??= issue.message;
  return errors;
}

export async function signUp(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const values = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") };
  const parsed = signUpSchema.safeParse({ ...values, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error.issues), values };
  try {
    const actor = await registerUser({ ...parsed.data, inviteToken: String(form.get("invite") ?? "") || undefined });
    await startSession(actor.id);
  } catch (error) {
    if (isAppError(error)) return { message: error.message, values };
    throw error;
  }
  redirect("/machines");
}

export async function signIn(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const values = { email: String(form.get("email") ?? "") };
  const parsed = signInSchema.safeParse({ ...values, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error.issues), values };
  try {
    const ip = (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
    await enforceSignInRateLimit({ email: parsed.data.email, ip });
    const actor = await verifyCredentials(parsed.data);
    await resetRateLimitForSignIn({ email: parsed.data.email, ip });
    await startSession(actor.id);
  } catch (error) {
    if (isAppError(error)) return { message: error.message, values };
    throw error;
  }
  redirect("/machines");
}

export async function signOut(): Promise<void> {
  const jar = await cookies();
  await deleteSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/sign-in");
}
