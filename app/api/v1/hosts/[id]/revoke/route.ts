import { toWire, withActor } from "@/lib/api/handler";
import { buildHostSchema } from "@/lib/api/schemas";
import { isHostOnline, revokeHost } from "@/lib/hosts";

// POST /api/v1/hosts/{id}/revoke - revoke a host's token (admins): its next request gets 401, its builds are queued again
export const POST = withActor(async ({ actor, params }) => {
  const host = await revokeHost({ actor, hostId: params.id! });
  return toWire(buildHostSchema, { ...host, isOnline: isHostOnline(host) });
});
