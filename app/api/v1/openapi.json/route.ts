import { buildOpenApiDocument } from "@/lib/api/openapi";
import { jsonResponse } from "@/lib/api/handler";
import { getEnv } from "@/lib/env";

// GET /api/v1/openapi.json - the OpenAPI 3.1 document of this API (public)
export async function GET() {
  return jsonResponse(buildOpenApiDocument(getEnv().APP_URL));
}
