import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/current-actor";
import { listMachines } from "@/lib/machines";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  const actor = await requireActor();
  const machines = await listMachines({ actor });
  return (
    <>
      <PageHeader title="Machines" description="Each machine has its own profiles: the ISOs you build for it." />
      {machines.length === 0 ? (
        <div className="rounded-lg border-2 border-dashed border-slate-300 p-10 text-center text-slate-600">
          <p className="font-medium">No machines yet</p>
          <p className="mt-1 text-sm">Register a machine to start composing an ISO for it.</p>
        </div>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200">
          {machines.map((machine) => (
            <li key={machine.id} className="flex items-center justify-between px-4 py-3">
              <span className="font-medium">{machine.name}</span>
              <span className="text-sm text-slate-600">
                {machine.arch} · {machine._count.profiles} profile{machine._count.profiles === 1 ? "" : "s"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
