import { toWire, withActor } from "@/lib/api/handler";
import { meSchema } from "@/lib/api/schemas";

// GET /api/v1/me - who the token or session acts for
export const GET = withActor(async ({ actor }) => toWire(meSchema, actor));
