"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import type { Catalog } from "@/contracts/catalog";
import { formatProfileText, parseProfileText } from "@/contracts/profile-text";
import {
  applyFix,
  canonicalSelectionJson,
  estimateSize,
  isStructuralProblem,
  validateSelection,
  type Selection,
  type SelectionFix,
} from "@/contracts/selection";
import type { FormAction, FormState } from "@/lib/actions";
import type { SavedRevision } from "@/lib/profiles/revisions";
import type { BuildStarted } from "@/lib/builds";
import { getLiveHub } from "@/components/live/hub";
import { PackagePicker } from "./package-picker";
import { RoleCards } from "./role-cards";
import { ChangesSince, Problems, SizeBar } from "./summary";
import { SystemSection, type HashPassword } from "./system-section";
import { TextView, type LineError } from "./text-view";
import { DraftBanner, PhoneBar, ViewTabs, type View } from "./configurator-parts";
import { useCatalogSlice } from "./use-catalog-slice";
import { useDraft } from "./use-draft";

type Props = {
  catalog: Catalog;
  /** The machine and profile names, for the text view's title line. */
  names: { machine: string; profile: string };
  profileUrl: string;
  initial: SavedRevision;
  lastBuilt: { number: number; selection: Selection } | null;
  save: (input: { profileId: string; baseNumber: number; selection: Selection; message: string }) => Promise<FormState<SavedRevision>>;
  build: (revisionId: string, prev: FormState<BuildStarted>, form: FormData) => Promise<FormState<BuildStarted>>;
  hashPassword: HashPassword;
  profileId: string;
};

/** The page people spend their time on: cards and text are two views of one selection held here. */
export function Configurator({ catalog: initialCatalog, names, profileUrl, initial, lastBuilt, save, build, hashPassword, profileId }: Props) {
  const router = useRouter();
  const format = (s: Selection, revision: number) => formatProfileText(s, { ...names, revision });
  const [base, setBase] = useState(initial);
  const [selection, setSelection] = useState(initial.selection);
  const [text, setText] = useState(() => format(initial.selection, initial.number));
  const [syntaxErrors, setSyntaxErrors] = useState<LineError[]>([]);
  const [tab, setTab] = useState<View>("cards");
  const [message, setMessage] = useState("");
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string; staleNumber?: number }>();

  // The generated catalog is far too large for the page: it holds the chosen packages' closures, fetched as they change.
  const { catalog, pending } = useCatalogSlice(initialCatalog, selection);
  // While entries are on their way (a package just added, or a featured one's dependencies), a package is not yet
  // called unknown or its dependencies missing: the answer takes a few hundred milliseconds.
  const problems = validateSelection(catalog, selection).filter(
    (p) => pending.size === 0 || !((p.code === "unknown-package" || p.code === "missing-requirement") && "package" in p.subject),
  );
  const isDirty = canonicalSelectionJson(selection) !== canonicalSelectionJson(base.selection);
  const isSavable = syntaxErrors.length === 0 && !problems.some(isStructuralProblem);
  const parsed = parseProfileText(text);
  const textErrors: LineError[] = parsed.ok ? problems.map((p) => ({ line: parsed.lineOf(p.subject) ?? 1, message: p.message })) : syntaxErrors;

  const draft = useDraft({ profileId, baseNumber: base.number, text, isDirty, savedText: format(base.selection, base.number) });

  // A revision made elsewhere on this page (import, restore) replaces an editor that holds no edits.
  useEffect(() => {
    if (initial.id !== base.id && initial.number > base.number && !isDirty) adopt(initial, `Now at revision ${initial.number}.`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial.id]);

  // Closing the tab with unsaved changes asks first: the browser, not us, says the words.
  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [isDirty]);

  /** The text view's title names the revision the edit starts from. */
  function change(next: Selection, revision = base.number) {
    setSelection(next);
    setText(format(next, revision));
    setSyntaxErrors([]);
    clearSavedNote();
  }

  // "Saved as revision N" stops being true at the next edit; a refusal stays until it is resolved.
  function clearSavedNote() {
    setStatus((current) => (current?.kind === "ok" ? undefined : current));
  }

  function editText(next: string) {
    setText(next);
    clearSavedNote();
    const result = parseProfileText(next);
    if (result.ok) {
      setSelection(result.selection);
      setSyntaxErrors([]);
    } else {
      setSyntaxErrors(result.errors);
    }
  }

  function toggle(pkg: string) {
    const has = selection.packages.includes(pkg);
    change({ ...selection, packages: has ? selection.packages.filter((p) => p !== pkg) : [...selection.packages, pkg] });
  }

  function adopt(revision: SavedRevision, note: string) {
    setBase(revision);
    change(revision.selection, revision.number);
    setMessage("");
    setStatus({ kind: "ok", text: note });
    router.refresh();
  }

  async function onSave() {
    setSaving(true);
    const baseNumber = status?.staleNumber ?? base.number;
    try {
      const result = await save({ profileId, baseNumber, selection, message });
      if (result.data) adopt(result.data, `Saved as revision ${result.data.number}.`);
      else setStatus({ kind: "error", text: result.message ?? Object.values(result.fieldErrors ?? {}).join("; "), staleNumber: result.latestNumber });
    } catch {
      setStatus({ kind: "error", text: "Could not reach the server; your changes are kept here. Try again." });
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="min-w-0">
        {draft.found && (
          <DraftBanner
            draft={draft.found}
            currentNumber={base.number}
            onRestore={() => {
              editText(draft.found!.text);
              setTab("text");
              draft.dismiss();
            }}
            onDiscard={draft.dismiss}
          />
        )}
        <ViewTabs tab={tab} onChange={setTab} />
        <div id="panel-cards" role="tabpanel" aria-labelledby="tab-cards" hidden={tab !== "cards"} className="space-y-8">
          <RoleCards catalog={catalog} selection={selection} onChoose={(role, alt) => change({ ...selection, roles: { ...selection.roles, [role]: alt } })} />
          <PackagePicker catalog={catalog} selection={selection} onToggle={toggle} />
          <SystemSection selection={selection} onChange={change} hashPassword={hashPassword} />
        </div>
        <div id="panel-text" role="tabpanel" aria-labelledby="tab-text" hidden={tab !== "text"}>
          <TextView text={text} errors={textErrors} onChange={editText} />
        </div>
        {/* On a phone the summary is below the cards: this bar keeps the size, the problems and Save in reach. */}
        <PhoneBar
          totalBytes={estimateSize(catalog, selection).reduce((sum, p) => sum + p.bytes, 0)}
          state={
            problems.length > 0 ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : isDirty ? "unsaved changes" : `revision ${base.number}`
          }
          hasProblems={problems.length > 0}
          canSave={!saving && isDirty && isSavable}
          onSave={onSave}
        />
      </div>

      <aside id="summary" className="min-w-0 space-y-5 lg:sticky lg:top-4 lg:self-start" aria-label="Summary">
        <div className="space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <p className="text-sm text-slate-700">
            <span className="flex items-baseline justify-between gap-2">
              <span>
                Revision <span data-testid="revision-number">{base.number}</span>
              </span>
              <a
                href={`${profileUrl}/export?revision=${base.number}`}
                download
                className="text-indigo-700 underline"
                title="Download this revision as a profile text file"
              >
                Export revision {base.number}
              </a>
            </span>
            <span className="block truncate font-mono text-xs text-slate-500" title={base.configHash}>
              <span data-testid="revision-hash">{base.configHash}</span>
            </span>
          </p>
          <SizeBar catalog={catalog} selection={selection} />
          <ChangesSince catalog={catalog} selection={selection} base={base} lastBuilt={lastBuilt} />
        </div>
        <Problems problems={problems} onFix={(fix: SelectionFix) => change(applyFix(selection, fix))} />
        <div className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">What changed (optional)</span>
            <input
              value={message}
              maxLength={200}
              onChange={(event) => setMessage(event.target.value)}
              className="mt-1 block w-full rounded-md border-0 px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
            />
          </label>
          <Button type="button" className="w-full" onClick={onSave} disabled={saving || !isDirty || !isSavable}>
            {status?.staleNumber ? `Save over revision ${status.staleNumber} as ${status.staleNumber + 1}` : "Save"}
          </Button>
          <p role="status" className={`min-h-5 text-sm whitespace-pre-line ${status?.kind === "error" ? "text-red-700" : "text-green-700"}`}>
            {status?.text}
            {status?.staleNumber && (
              <>
                {" "}
                <Link className="underline" href={`${profileUrl}/history?a=${base.number}&b=${status.staleNumber}`} target="_blank">
                  See what revision {status.staleNumber} changed
                </Link>
              </>
            )}
          </p>
          <BuildControl build={build.bind(null, base.id)} blocked={problems.length > 0 ? "problems" : isDirty ? "unsaved" : undefined} revision={base} />
        </div>
      </aside>
    </div>
  );
}

/**
 * Build: the action queues the build (or reuses a finished one) and answers its id; the page then follows a queued
 * build's log on the live connection at once and opens the build page, which takes that connection over
 * (components/live/hub.ts).
 */
function BuildControl({ build, blocked, revision }: { build: FormAction<BuildStarted>; blocked?: "problems" | "unsaved"; revision: SavedRevision }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(async (prev: FormState<BuildStarted>, form: FormData) => {
    const next = await build(prev, form);
    if (next.ok && next.data) {
      // A reused build is finished already: its page shows the stored log, there is nothing to follow.
      if (next.data.isLive) getLiveHub().prefollow(next.data.buildId);
      router.push(`/builds/${next.data.buildId}`);
    }
    return next;
  }, {});
  if (blocked === "problems") {
    return <p className="rounded-md bg-slate-100 p-2 text-sm text-slate-700">Build is offered once the problems above are fixed.</p>;
  }
  if (blocked === "unsaved") {
    return <p className="rounded-md bg-slate-100 p-2 text-sm text-slate-700">Save to build: a build is always of a saved revision.</p>;
  }
  return (
    <form action={action} className="space-y-2">
      <Button type="submit" className="w-full" disabled={pending}>
        Build revision {revision.number}
      </Button>
      {state.message && <p className="text-sm text-red-700">{state.message}</p>}
    </form>
  );
}
