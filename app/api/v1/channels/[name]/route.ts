import { toWire, withActor } from "@/lib/api/handler";
import { channelSchema } from "@/lib/api/schemas";
import { getChannelOrThrow } from "@/lib/catalog";

// GET /api/v1/channels/{name} - a channel with its catalog
export const GET = withActor(async ({ params }) => toWire(channelSchema, await getChannelOrThrow(params.name!)));
