import { toWire, withActor } from "@/lib/api/handler";
import { sizeBudgetBody, sizeBudgetSchema } from "@/lib/api/schemas";
import { setProfileSizeBudget } from "@/lib/builds/sizes";

// PUT /api/v1/profiles/{id}/size-budget - set the ISO size budget in bytes, or remove it with null
export const PUT = withActor(
  async ({ actor, params, body }) => {
    const profile = await setProfileSizeBudget({ actor, profileId: params.id!, budgetBytes: body.budgetBytes });
    return toWire(sizeBudgetSchema, { profileId: profile.id, budgetBytes: profile.sizeBudgetBytes });
  },
  { body: sizeBudgetBody },
);
