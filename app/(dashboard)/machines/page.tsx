import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/current-actor";
import { listMachines } from "@/lib/machines";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { createMachineAction } from "./actions";
import { MachineForm } from "./machine-form";
import { EmptyState } from "@/components/ui/notices";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  const actor = await requireActor();
  const machines = await listMachines({ actor });
  return (
    <>
      <PageHeader title="Machines" description="Each machine has its own profiles: the ISOs you build for it." />
      {machines.length === 0 ? (
        <EmptyState title="No machines yet" hint="Register a machine to start composing an ISO for it." />
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
      <Card id="new-machine" title="Register a machine" className="mt-8">
        <MachineForm action={createMachineAction} submitLabel="Create machine" />
      </Card>
    </>
  );
}
