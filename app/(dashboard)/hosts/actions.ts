"use server";

import { revalidatePath } from "next/cache";
import { requireActor } from "@/lib/auth/current-actor";
import { createHostToken, revokeHost } from "@/lib/hosts";
import { isAppError } from "@/lib/errors";

export type HostTokenState = { message?: string; token?: string; name?: string };

export async function createHostTokenAction(_prev: HostTokenState, form: FormData): Promise<HostTokenState> {
  const actor = await requireActor();
  const name = String(form.get("name") ?? "");
  try {
    const { token } = await createHostToken({ actor, name, arch: String(form.get("arch") ?? "x86_64") });
    revalidatePath("/hosts");
    return { token, name };
  } catch (error) {
    if (isAppError(error)) return { message: error.message };
    if (error && typeof error === "object" && "issues" in error) return { message: (error as { issues: { message: string }[] }).issues.map((i) => i.message).join("; ") };
    throw error;
  }
}

/** Revokes a host's token (admins): the host's next request answers 401 and its worker stops. */
export async function revokeHostAction(hostId: string): Promise<void> {
  const actor = await requireActor();
  await revokeHost({ actor, hostId });
  revalidatePath("/hosts");
}
