"use server";

import { revalidatePath } from "next/cache";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { requireActor } from "@/lib/auth/current-actor";
import { isAppError } from "@/lib/errors";

export type CreateTokenState = { token?: string; name?: string; message?: string; fieldErrors?: Record<string, string> };

export async function createTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const actor = await requireActor();
  try {
    const expiry = String(form.get("expiresInDays") ?? "");
    const { token, apiToken } = await createApiToken({ actor, name: String(form.get("name") ?? ""), expiresInDays: expiry ? Number(expiry) : null });
    revalidatePath("/settings/tokens");
    return { token, name: apiToken.name };
  } catch (error) {
    if (isAppError(error)) return { message: error.message, fieldErrors: error.details as Record<string, string> | undefined };
    throw error;
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  const actor = await requireActor();
  await revokeApiToken({ actor, id: String(form.get("id") ?? "") });
  revalidatePath("/settings/tokens");
}
