import { withActor } from "@/lib/api/handler";
import { getSha256Sums } from "@/lib/artifacts/downloads";

// GET /downloads/SHA256SUMS - checksums of every ISO on your downloads page, for `sha256sum -c`
export const GET = withActor(
  async ({ actor }) =>
    new Response(await getSha256Sums({ actor }), { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" } }),
);
