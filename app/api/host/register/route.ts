import { withHost } from "@/lib/api/host-handler";
import { registerHost } from "@/lib/hosts";
import { registerHostSchema } from "@/contracts/jobs";

// POST /api/host/register - a worker says who it is (name, arch, capacity, Nix version) when it starts
export const POST = withHost(async ({ host, body }) => ({ host: await registerHost({ host, input: body }) }), { body: registerHostSchema });
