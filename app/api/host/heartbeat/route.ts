import { withHost } from "@/lib/api/host-handler";
import { recordHeartbeat } from "@/lib/hosts";
import { heartbeatSchema } from "@/contracts/jobs";

// POST /api/host/heartbeat - the host is alive; the answer lists builds it must stop
export const POST = withHost(async ({ host, body }) => recordHeartbeat({ host, input: body }), { body: heartbeatSchema });
