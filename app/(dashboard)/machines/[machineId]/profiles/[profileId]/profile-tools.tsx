"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { checkProfileFile, ProfileFileInput } from "@/components/profile-file-input";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/notices";
import type { FormAction, FormState } from "@/lib/actions";
import type { SaveResult } from "./actions";

/** Import a file as the profile's next revision; the configurator picks it up on refresh. */
export function ImportRevisionForm({ importRevision }: { importRevision: (form: FormData) => Promise<SaveResult> }) {
  const router = useRouter();
  const [fileError, setFileError] = useState<string>();
  const [state, setState] = useState<FormState>({});
  const [pending, setPending] = useState(false);
  return (
    <form
      className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const file = form.get("file");
        const error = checkProfileFile(file instanceof File ? file : undefined);
        if (error) return setFileError(error);
        setPending(true);
        try {
          const result = await importRevision(form);
          setState(
            result.data
              ? { ok: true, message: `Imported as revision ${result.data.number}.` }
              : { message: result.message ?? Object.values(result.fieldErrors ?? {}).join("; ") },
          );
          if (result.ok) router.refresh();
        } finally {
          setPending(false);
        }
      }}
    >
      <ProfileFileInput label="Import a file as a new revision" onError={setFileError} error={fileError} />
      <Button type="submit" variant="secondary" disabled={pending || Boolean(fileError)}>
        Import as revision
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

export function RenameForm({ action, name }: { action: FormAction; name: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end" noValidate>
      <Field label="Profile name" name="name" defaultValue={state.values?.name ?? name} maxLength={80} error={state.fieldErrors?.name} autoComplete="off" />
      <Button type="submit" variant="secondary" disabled={pending}>
        Rename
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
