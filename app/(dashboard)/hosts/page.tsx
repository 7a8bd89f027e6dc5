import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/current-actor";
import { listHosts } from "@/lib/hosts";
import { PageHeader } from "@/components/ui/page-header";
import { ActionButton } from "@/components/ui/action-button";
import { revokeHostAction } from "./actions";
import { HostTokenForm } from "./host-token-form";
import { EmptyState } from "@/components/ui/notices";
import { getArtifactStorageStatus } from "@/lib/artifacts/storage-status";
import { ArtifactStorageStatus } from "./storage-status";

export const metadata: Metadata = { title: "Build hosts" };
export const dynamic = "force-dynamic";

export default async function HostsPage() {
  const actor = await requireActor();
  const { hosts, queues, canManage } = await listHosts({ actor });
  const storage = await getArtifactStorageStatus({ actor });
  return (
    <>
      <PageHeader title="Build hosts" description="Machines that build ISOs on their own Nix store. A host is online while it sends heartbeats." />
      <p className="mb-4 text-sm text-slate-700" data-testid="queue-depth">
        Queue:{" "}
        {queues
          .map((q) => (q.depth ? `${q.arch} ${q.depth.waiting} waiting, ${q.depth.active} building` : `${q.arch} unknown (Redis unreachable)`))
          .join(" · ")}
      </p>
      {hosts.length === 0 ? (
        <EmptyState title="No build hosts yet" className="mb-6" />
      ) : (
        <ul className="mb-6 divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200">
          {hosts.map((host) => (
            <li key={host.id} data-testid="host" className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
              <span className="flex items-center gap-2">
                <span aria-hidden className={`h-2 w-2 rounded-full ${host.isOnline ? "bg-green-500" : "bg-slate-400"}`} />
                <span className="font-medium">{host.name}</span>
                <span className="text-slate-600">{host.revokedAt ? "revoked" : host.isOnline ? "online" : "offline"}</span>
              </span>
              <span className="text-slate-600">
                {host.arch} · capacity {host.capacity} · {host.nixVersion ?? "Nix version unknown"}
              </span>
              <span className="w-full text-slate-700 sm:w-auto">
                {host.builds.length === 0
                  ? "idle"
                  : host.builds.map((b) =>
                      b.isMine ? (
                        <Link key={b.id} className="mr-2 text-indigo-700 underline" href={`/builds/${b.id}`}>
                          building {b.phase ?? ""}
                        </Link>
                      ) : (
                        <span key={b.id} className="mr-2">
                          building (someone else&apos;s)
                        </span>
                      ),
                    )}
              </span>
              {canManage && !host.revokedAt && (
                <ActionButton action={revokeHostAction} fields={{ hostId: host.id }} label={`Revoke the token of ${host.name}`}>
                  Revoke token
                </ActionButton>
              )}
            </li>
          ))}
        </ul>
      )}
      {storage && <ArtifactStorageStatus status={storage} />}
      {canManage && <HostTokenForm />}
    </>
  );
}
