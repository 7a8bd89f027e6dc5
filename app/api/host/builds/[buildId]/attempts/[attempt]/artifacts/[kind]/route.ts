import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { withAttempt } from "@/lib/api/host-handler";
import { artifactFileName } from "@/lib/artifacts/names";
import { artifactKindSchema, uploadArtifact } from "@/lib/builds/uploads";
import { AppError } from "@/lib/errors";

// PUT /api/host/builds/{buildId}/attempts/{attempt}/artifacts/{iso|log} - stream an artifact; X-Content-SHA256 and
// X-Content-Size declare what must arrive, and nothing is kept unless both match (413 above MAX_UPLOAD_BYTES, 503
// when the storage lacks the space, 409 while another upload of the attempt runs)
export const PUT = withAttempt(async ({ request, buildId, attempt, bearer, params }) => {
  const kind = artifactKindSchema.safeParse(params.kind);
  if (!kind.success) throw new AppError("NOT_FOUND", 'Artifacts are "iso" or "log"');
  const sizeBytes = Number(request.headers.get("x-content-size") ?? request.headers.get("content-length"));
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new AppError("BAD_REQUEST", "Declare the size in X-Content-Size");
  if (!request.body) throw new AppError("BAD_REQUEST", "The upload has no body");
  const artifact = await uploadArtifact({
    buildId,
    attempt,
    token: bearer,
    kind: kind.data,
    sizeBytes,
    sha256: request.headers.get("x-content-sha256") ?? "",
    fileName: await artifactFileName({ buildId, kind: kind.data }),
    body: Readable.fromWeb(request.body as WebReadableStream<Uint8Array>),
  });
  return { id: artifact.id, sizeBytes: artifact.sizeBytes, sha256: artifact.sha256 };
});
