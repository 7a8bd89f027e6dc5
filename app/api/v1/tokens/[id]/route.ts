import { toWire, withActor } from "@/lib/api/handler";
import { apiTokenSchema } from "@/lib/api/schemas";
import { revokeApiToken } from "@/lib/api-tokens";

// DELETE /api/v1/tokens/{id} - revoke a token; it stops working at once
export const DELETE = withActor(async ({ actor, params }) => toWire(apiTokenSchema, await revokeApiToken({ actor, id: params.id! })));
