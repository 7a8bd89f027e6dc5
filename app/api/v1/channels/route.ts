import { toWire, withActor } from "@/lib/api/handler";
import { channelListSchema } from "@/lib/api/schemas";
import { listChannels } from "@/lib/catalog";

// GET /api/v1/channels - list the channels (package sets)
export const GET = withActor(async () => toWire(channelListSchema, { channels: await listChannels() }));
