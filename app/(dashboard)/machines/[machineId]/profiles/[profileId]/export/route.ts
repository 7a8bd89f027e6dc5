import { formatProfileText } from "@/contracts/profile-text";
import { requireActor } from "@/lib/auth/current-actor";
import { isAppError } from "@/lib/errors";
import { getProfileOrThrow } from "@/lib/profiles";
import { getRevisionOrThrow } from "@/lib/profiles/revisions";

function fileSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "profile"
  );
}

// GET /machines/:machineId/profiles/:profileId/export?revision=N - the revision as a profile text file
export async function GET(request: Request, { params }: { params: Promise<{ profileId: string }> }) {
  const { profileId } = await params;
  const actor = await requireActor();
  try {
    const profile = await getProfileOrThrow({ actor, profileId });
    const number = Number(new URL(request.url).searchParams.get("revision") ?? profile.latest.number);
    if (!Number.isInteger(number) || number < 1) return new Response("revision must be a positive whole number\n", { status: 400 });
    const revision = await getRevisionOrThrow({ actor, profileId, number });
    const text = formatProfileText(revision.selection, { machine: profile.machine.name, profile: profile.name, revision: number });
    const fileName = `${fileSlug(profile.machine.name)}-${fileSlug(profile.name)}-r${number}.zxcv`;
    return new Response(text, {
      headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "no-store" },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(`${error.message}\n`, { status: error.status });
    throw error;
  }
}
