import { toWire, withActor } from "@/lib/api/handler";
import { packageSearchQuery, packageSearchSchema } from "@/lib/api/schemas";
import { getChannelOrThrow, searchPackages } from "@/lib/catalog";

// GET /api/v1/channels/{name}/packages?q=tmux&selected=htop,jq - ranked package search, with what each would add
export const GET = withActor(
  async ({ params, query }) => {
    const channel = await getChannelOrThrow(params.name!);
    return toWire(packageSearchSchema, {
      packages: await searchPackages({ channel: channel.name, query: query.q, selected: query.selected, limit: query.limit }),
    });
  },
  { query: packageSearchQuery },
);
