import { serveSharedArtifact } from "@/lib/sharing-routes";

// GET /share/iso/{token}/log - a shared build's whole log, without signing in
export const GET = serveSharedArtifact("LOG");
// HEAD /share/iso/{token}/log - its size without the bytes
export const HEAD = GET;
