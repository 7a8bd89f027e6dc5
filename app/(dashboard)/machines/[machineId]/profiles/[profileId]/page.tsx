import type { Metadata } from "next";
import Link from "next/link";
import { Configurator } from "@/components/configurator/configurator";
import { CopyToMachineForm } from "@/components/copy-to-machine-form";
import { SharePanel } from "@/components/share-panel";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/current-actor";
import { getChannelOrThrow } from "@/lib/catalog";
import { listMachines } from "@/lib/machines";
import { getProfileOrThrow } from "@/lib/profiles";
import { findLastBuiltRevision } from "@/lib/profiles/revisions";
import { profileSharePath } from "@/lib/sharing";
import { deleteProfileAction } from "../../../actions";
import { loadOr404 } from "@/lib/load-or-404";
import { DeleteForm } from "../../profile-forms";
import {
  buildRevisionAction,
  cloneProfileAction,
  importRevisionAction,
  renameProfileAction,
  saveProfileAction,
  setSizeBudgetAction,
  hashSystemPasswordAction,
  shareProfileAction,
  unshareProfileAction,
} from "./actions";
import { ImportRevisionForm, RenameForm } from "./profile-tools";
import { SizeBudgetForm } from "@/components/size-budget-form";

export const metadata: Metadata = { title: "Configurator" };

export default async function ProfilePage({ params }: { params: Promise<{ machineId: string; profileId: string }> }) {
  const { machineId, profileId } = await params;
  const actor = await requireActor();
  const profile = await loadOr404(() => getProfileOrThrow({ actor, profileId }));
  const [{ catalog }, lastBuilt, machines] = await Promise.all([
    getChannelOrThrow(profile.channel, { packages: profile.latest.selection.packages }),
    findLastBuiltRevision({ actor, profileId }),
    listMachines({ actor }),
  ]);
  const url = `/machines/${profile.machineId}/profiles/${profile.id}`;
  const latest = profile.latest;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 flex flex-wrap gap-1 text-sm text-slate-600">
        {/* Per-person pages rendered at request time: prefetching them costs server renders while a Build is sent. */}
        <Link href="/machines" className="hover:underline" prefetch={false}>
          Machines
        </Link>
        <span aria-hidden>/</span>
        <Link href={`/machines/${machineId}`} className="break-all hover:underline" prefetch={false}>
          {profile.machine.name}
        </Link>
      </nav>
      <PageHeader
        title={profile.name}
        description={`${catalog.label} · ${profile.machine.arch}`}
        actions={
          <>
            <Link href={`${url}/history`} className={buttonClass("secondary")} prefetch={false}>
              History
            </Link>
          </>
        }
      />
      <Configurator
        catalog={catalog}
        names={{ machine: profile.machine.name, profile: profile.name }}
        profileUrl={url}
        profileId={profile.id}
        initial={{ id: latest.id, number: latest.number, selection: latest.selection, configHash: latest.configHash, message: latest.message }}
        lastBuilt={lastBuilt}
        save={saveProfileAction}
        build={buildRevisionAction}
        hashPassword={hashSystemPasswordAction}
      />
      <section aria-labelledby="tools" className="mt-10 space-y-4">
        <h2 id="tools" className="text-lg font-semibold">
          Profile file, copies and name
        </h2>
        <div className="space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <ImportRevisionForm importRevision={importRevisionAction.bind(null, profile.id, latest.number)} />
          <CopyToMachineForm
            action={cloneProfileAction.bind(null, profile.id)}
            machines={machines.map((m) => ({ id: m.id, name: m.name }))}
            defaultName={`${profile.name} (copy)`}
            machineField="targetMachineId"
            machineLabel="Clone to machine"
            submitLabel="Clone"
            variant="secondary"
          />
          <RenameForm action={renameProfileAction.bind(null, profile.id)} name={profile.name} />
          <SizeBudgetForm
            action={setSizeBudgetAction.bind(null, profile.id)}
            budgetBytes={profile.sizeBudgetBytes === null ? null : Number(profile.sizeBudgetBytes)}
          />
        </div>
        <SharePanel
          what="this profile's latest revision"
          path={profile.shareToken ? profileSharePath(profile.shareToken) : null}
          share={shareProfileAction.bind(null, profile.id)}
          unshare={unshareProfileAction.bind(null, profile.id)}
        />
        <DeleteForm
          action={deleteProfileAction.bind(null, profile.machineId, profile.id)}
          what="this profile"
          consequences={`This deletes the profile with its ${latest.number === 1 ? "revision" : `${latest.number} revisions`} and every build and ISO made from them. Export it first to keep a copy.`}
        />
      </section>
    </>
  );
}
