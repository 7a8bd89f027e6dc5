import { withActor } from "@/lib/api/handler";
import { getSha256Sums } from "@/lib/artifacts/downloads";

// GET /api/v1/isos/SHA256SUMS - `sha256  filename` lines for your ISOs
export const GET = withActor(async ({ actor }) => new Response(await getSha256Sums({ actor }), { headers: { "content-type": "text/plain; charset=utf-8" } }));
