import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/current-actor";
import { listChannels } from "@/lib/catalog";
import { getMachineDeletionImpact, getMachineOrThrow } from "@/lib/machines";
import { listProfiles } from "@/lib/profiles";
import { createProfileAction, deleteMachineAction, importProfileAction, updateMachineAction } from "../actions";
import { loadOr404 } from "@/lib/load-or-404";
import { MachineForm } from "../machine-form";
import { DeleteForm, ImportProfileForm, NewProfileForm } from "./profile-forms";

export const metadata: Metadata = { title: "Machine" };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export default async function MachinePage({ params }: { params: Promise<{ machineId: string }> }) {
  const { machineId } = await params;
  const actor = await requireActor();
  const [machine, profiles, impact, channels] = await loadOr404(() =>
    Promise.all([getMachineOrThrow({ actor, machineId }), listProfiles({ actor, machineId }), getMachineDeletionImpact({ actor, machineId }), listChannels()]),
  );
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link href="/machines" className="hover:underline">
          Machines
        </Link>
      </nav>
      <PageHeader title={machine.name} description={`${machine.arch}${machine.notes ? ` · ${machine.notes}` : ""}`} />
      <section aria-labelledby="profiles" className="space-y-4">
        <h2 id="profiles" className="text-lg font-semibold">
          Profiles
        </h2>
        {profiles.length === 0 ? (
          <p className="rounded-lg border-2 border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            No profiles yet: start one from the channel&apos;s defaults, or import a profile file.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Profiles">
            {profiles.map((profile) => (
              <li key={profile.id}>
                <Link
                  href={`/machines/${machine.id}/profiles/${profile.id}`}
                  className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 hover:bg-slate-50"
                >
                  <span className="font-medium break-all">{profile.name}</span>
                  <span className="text-sm text-slate-600">
                    {profile.channel} · revision {profile.revisions[0]?.number ?? "—"}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <div className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <NewProfileForm action={createProfileAction.bind(null, machine.id)} channels={channels.map((c) => ({ name: c.name, label: c.label }))} />
          <ImportProfileForm action={importProfileAction.bind(null, machine.id)} />
        </div>
      </section>
      <section aria-labelledby="settings" className="mt-10 space-y-4">
        <h2 id="settings" className="text-lg font-semibold">
          Machine settings
        </h2>
        <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <MachineForm action={updateMachineAction.bind(null, machine.id)} submitLabel="Save machine" initial={machine} />
        </div>
        <DeleteForm
          action={deleteMachineAction.bind(null, machine.id)}
          what="this machine"
          consequences={`This deletes ${plural(impact.profiles, "profile")}, their ${plural(impact.revisions, "revision")}, ${plural(impact.builds, "build")} and ${plural(impact.isos, "ISO")} built for them (an ISO that another build reuses stays with that build). It cannot be undone; export a profile first to keep it.`}
        />
      </section>
    </>
  );
}
