import { toWire, withActor } from "@/lib/api/handler";
import { packageClosureQuery, packageClosureSchema } from "@/lib/api/schemas";
import { findPackageClosure, getChannelOrThrow } from "@/lib/catalog";

// GET /api/v1/channels/{name}/packages/closure?ids=vim,tmux - the entries of these packages and what they pull in
export const GET = withActor(
  async ({ params, query }) => {
    const channel = await getChannelOrThrow(params.name!);
    return toWire(packageClosureSchema, { packages: await findPackageClosure({ channel: channel.name, packages: query.ids }) });
  },
  { query: packageClosureQuery },
);
