import { toWire, withActor } from "@/lib/api/handler";
import { buildHostListSchema } from "@/lib/api/schemas";
import { listHosts } from "@/lib/hosts";

// GET /api/v1/hosts - the build hosts, online or not, and whether their token was revoked
export const GET = withActor(async ({ actor }) => toWire(buildHostListSchema, { hosts: (await listHosts({ actor })).hosts }));
