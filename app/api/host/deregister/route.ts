import { withHost } from "@/lib/api/host-handler";
import { deregisterHost } from "@/lib/hosts";

// POST /api/host/deregister - the host is leaving (worker --idle-exit / --max-runtime): show it offline at once
export const POST = withHost(async ({ host }) => deregisterHost({ host }));
