import type { Metadata } from "next";
import Link from "next/link";
import { loadOr404 } from "@/lib/load-or-404";
import { buttonClass } from "@/components/ui/button";
import { getCurrentActor } from "@/lib/auth/current-actor";
import { listMachines } from "@/lib/machines";
import { getSharedProfile } from "@/lib/sharing";
import { importSharedProfileAction } from "./actions";
import { CopyToMachineForm } from "@/components/copy-to-machine-form";

export const metadata: Metadata = { title: "Shared profile" };

export default async function SharedProfilePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const profile = await loadOr404(() => getSharedProfile({ token }));
  const actor = await getCurrentActor();
  const machines = actor ? await listMachines({ actor }) : [];
  const roles = Object.entries(profile.selection.roles);
  return (
    <>
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]" data-testid="shared-title">
          {profile.machine.name} / {profile.name}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Channel {profile.channel} · {profile.machine.arch} · revision {profile.revision.number}, saved {profile.revision.createdAt.toISOString().slice(0, 10)}
        </p>
      </div>
      <dl className="mb-6 grid grid-cols-2 gap-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200 sm:grid-cols-4">
        {roles.map(([role, choice]) => (
          <div key={role}>
            <dt className="text-slate-500">{role}</dt>
            <dd className="font-medium">{choice}</dd>
          </div>
        ))}
        <div>
          <dt className="text-slate-500">packages</dt>
          <dd className="font-medium">{profile.selection.packages.length ? profile.selection.packages.join(", ") : "none"}</dd>
        </div>
      </dl>
      <section aria-label="Profile file" className="mb-6 space-y-2">
        <h2 className="text-sm font-medium">Profile file</h2>
        <pre data-testid="shared-profile-text" className="overflow-auto rounded-lg bg-slate-950 p-4 text-xs leading-5 text-slate-100">
          {profile.profileText}
        </pre>
      </section>
      <section aria-label="Import" className="space-y-3 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
        <h2 className="font-medium">Import into my machines</h2>
        {!actor ? (
          <p className="flex flex-wrap items-center gap-3">
            <span className="text-slate-600">Sign in to copy this profile into one of your machines, then change and build it there.</span>
            <Link href="/sign-in" className={buttonClass("primary")}>
              Sign in to import
            </Link>
          </p>
        ) : machines.length === 0 ? (
          <p className="text-slate-600">
            Register a machine first:{" "}
            <Link href="/machines" className="text-indigo-700 underline">
              Machines
            </Link>
            .
          </p>
        ) : (
          <CopyToMachineForm
            action={importSharedProfileAction.bind(null, token)}
            machines={machines.map((m) => ({ id: m.id, name: m.name }))}
            defaultName={profile.name}
            machineField="machineId"
            machineLabel="Machine"
            submitLabel="Import into my machines"
          />
        )}
      </section>
    </>
  );
}
