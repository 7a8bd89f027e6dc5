import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/current-actor";
import { listMachines } from "@/lib/machines";
import { PageHeader } from "@/components/ui/page-header";
import { createMachineAction } from "./actions";
import { MachineForm } from "./machine-form";

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
        <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Your machines">
          {machines.map((machine) => (
            <li key={machine.id}>
              <Link
                href={`/machines/${machine.id}`}
                className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span className="font-medium break-all">{machine.name}</span>
                <span className="text-sm text-slate-600">
                  {machine.arch} · {machine._count.profiles} profile{machine._count.profiles === 1 ? "" : "s"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <section className="mt-8 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="new-machine">
        <h2 id="new-machine" className="mb-3 font-semibold">
          Register a machine
        </h2>
        <MachineForm action={createMachineAction} submitLabel="Create machine" />
      </section>
    </>
  );
}
