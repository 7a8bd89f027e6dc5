"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/actions";
import { createHostToken, revokeHost } from "@/lib/hosts";

/** A host token for a new build host (admins), shown once with the host's own Redis URL. */
export const createHostTokenAction = validatedActionWithUser(
  z.object({ name: z.string(), arch: z.string().default("x86_64") }),
  async ({ name, arch }, { actor }) => {
    const { token, redisUrl } = await createHostToken({ actor, name, arch });
    revalidatePath("/hosts");
    return { ok: true, data: { token, name, redisUrl } };
  },
);

/** Revokes a host's token (admins): the host's next request answers 401 and its worker stops. */
export const revokeHostAction = validatedActionWithUser(z.object({ hostId: z.string().min(1) }), async ({ hostId }, { actor }) => {
  await revokeHost({ actor, hostId });
  revalidatePath("/hosts");
});
