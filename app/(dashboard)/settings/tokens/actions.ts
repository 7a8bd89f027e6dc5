"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/actions";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";

/** A new personal API token; its secret is in the answer this once. */
export const createTokenAction = validatedActionWithUser(
  z.object({ name: z.string(), expiresInDays: z.string().default("") }),
  async ({ name, expiresInDays }, { actor }) => {
    const { token, apiToken } = await createApiToken({ actor, name, expiresInDays: expiresInDays ? Number(expiresInDays) : null });
    revalidatePath("/settings/tokens");
    return { ok: true, data: { token, name: apiToken.name } };
  },
);

/** The token stops working at once; its row stays, marked revoked. */
export const revokeTokenAction = validatedActionWithUser(z.object({ id: z.string().min(1) }), async ({ id }, { actor }) => {
  await revokeApiToken({ actor, id });
  revalidatePath("/settings/tokens");
});
