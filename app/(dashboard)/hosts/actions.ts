"use server";

import { revalidatePath } from "next/cache";
import { requireActor } from "@/lib/auth/current-actor";
import { createHostToken } from "@/lib/hosts";
import { isAppError } from "@/lib/errors";

export type HostTokenState = { message?: string; token?: string; name?: string; redisUrl?: string };

export async function createHostTokenAction(_prev: HostTokenState, form: FormData): Promise<HostTokenState> {
  const actor = await requireActor();
  const name = String(form.get("name") ?? "");
  try {
    const { token, redisUrl } = await createHostToken({ actor, name, arch: String(form.get("arch") ?? "x86_64") });
    revalidatePath("/hosts");
    return { token, name, redisUrl };
  } catch (error) {
    if (isAppError(error)) return { message: error.message };
    if (error && typeof error === "object" && "issues" in error) return { message: (error as { issues: { message: string }[] }).issues.map((i) => i.message).join("; ") };
    throw error;
  }
}
