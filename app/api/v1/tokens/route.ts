import { jsonResponse, toWire, withActor } from "@/lib/api/handler";
import { apiTokenListSchema, createApiTokenBody, createdApiTokenSchema } from "@/lib/api/schemas";
import { createApiToken, listApiTokens } from "@/lib/api-tokens";

// GET /api/v1/tokens - list your API tokens (never their secrets)
export const GET = withActor(async ({ actor }) => toWire(apiTokenListSchema, { tokens: await listApiTokens({ actor }) }));

// POST /api/v1/tokens - create a token; its secret is in this response only
export const POST = withActor(
  async ({ actor, body }) => jsonResponse(toWire(createdApiTokenSchema, await createApiToken({ actor, name: body.name })), 201),
  { body: createApiTokenBody },
);
