"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientAddress } from "@/lib/auth/client-address";
import { createSession, deleteSession, MAX_EMAIL_LENGTH, SESSION_COOKIE, signUpSchema } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { isAppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { enforceSignUpRateLimit } from "@/lib/rate-limit";
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
  // What is sent back to the form is cut to size: a huge field is refused, not echoed.
  const values = { email: String(form.get("email") ?? "").slice(0, MAX_EMAIL_LENGTH), name: String(form.get("name") ?? "").slice(0, 100) };
  const parsed = signUpSchema.safeParse({ email: form.get("email"), name: form.get("name"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error.issues), values };
  try {
    await enforceSignUpRateLimit({ address: clientAddress(await headers()) });
    const actor = await registerUser({ ...parsed.data, inviteToken: String(form.get("invite") ?? "") || undefined });
    await startSession(actor.id);
  } catch (error) {
    if (isAppError(error)) return { message: error.message, values };
    throw error;
  }
  redirect("/machines");
}

export async function signIn(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const values = { email: String(form.get("email") ?? "").slice(0, MAX_EMAIL_LENGTH) };
  try {
    const actor = await signInWithPassword({ email: form.get("email") ?? "", password: form.get("password") ?? "", address: clientAddress(await headers()) });
    await startSession(actor.id);
  } catch (error) {
    if (isAppError(error) && error.code === "BAD_REQUEST" && error.details) return { fieldErrors: error.details as Record<string, string>, values };
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
