import { isTokenRequest, jsonResponse, toWire, withActor } from "@/lib/api/handler";
import { apiTokenListSchema, createApiTokenBody, createdApiTokenSchema } from "@/lib/api/schemas";
import { createApiToken, listApiTokens } from "@/lib/api-tokens";
import { AppError } from "@/lib/errors";

// GET /api/v1/tokens - list your API tokens (never their secrets)
export const GET = withActor(async ({ actor }) => toWire(apiTokenListSchema, { tokens: await listApiTokens({ actor }) }));

// POST /api/v1/tokens - create a token (signed in, not with a token); its secret is in this response only
export const POST = withActor(
  async ({ request, actor, body }) => {
    // A leaked token must not be able to mint tokens that outlive its revocation.
    if (isTokenRequest(request))
      throw new AppError("FORBIDDEN", "An API token cannot create API tokens: create one on the dashboard under Settings > API tokens");
    return jsonResponse(toWire(createdApiTokenSchema, await createApiToken({ actor, name: body.name, expiresInDays: body.expiresInDays })), 201);
  },
  { body: createApiTokenBody },
);
