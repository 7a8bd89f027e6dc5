import { serveSharedArtifact } from "@/lib/sharing-routes";

// GET /share/iso/{token}/download - a shared build's ISO, without signing in (resumable with Range; 206, 416)
export const GET = serveSharedArtifact("ISO");
// HEAD /share/iso/{token}/download - its size, sha256 and ETag without the bytes
export const HEAD = GET;
