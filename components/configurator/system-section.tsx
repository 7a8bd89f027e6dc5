"use client";

import { useEffect, useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import {
  base64ToText,
  customizationsFields,
  textToBase64,
  validateCustomizations,
  type CustomFile,
  type Customizations,
  type CustomUser,
} from "@/contracts/customizations";
import type { Selection } from "@/contracts/selection";
import { KEYMAPS } from "@/contracts/keymaps";
import { TIMEZONES } from "@/contracts/timezones";
import type { FormState } from "@/lib/actions";

export type HashPassword = (input: { password: string }) => Promise<FormState<string>>;

/**
 * The "System" section: a field per customization (hostname, users with groups, keys and a password, root, kernel
 * arguments, files, first-boot script), each checked as it is typed by the same contract code the server runs.
 * Passwords go to the server once, to be hashed; the selection only ever holds the hash.
 */
export function SystemSection({
  selection,
  onChange,
  hashPassword,
}: {
  selection: Selection;
  onChange: (next: Selection) => void;
  hashPassword: HashPassword;
}) {
  const id = useId();
  const c = selection.customizations ?? customizationsFields.parse({});
  const issues = validateCustomizations(c);
  const errorOf = (prefix: string) =>
    issues
      .filter((i) => i.field === prefix || i.field.startsWith(`${prefix}.`) || i.field.startsWith(`${prefix}[`))
      .map((i) => i.message)
      .join("; ") || undefined;
  const set = (next: Partial<Customizations>) => onChange({ ...selection, customizations: { ...c, ...next } });
  const setUser = (index: number, user: CustomUser) => set({ users: c.users.map((u, i) => (i === index ? user : u)) });
  const setFile = (index: number, file: CustomFile) => set({ files: c.files.map((f, i) => (i === index ? file : f)) });

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-5">
      <div>
        <h3 id={`${id}-title`} className="font-semibold">
          System
        </h3>
        <p className="text-sm text-slate-600">
          What makes the ISO yours. Every value here is read back by the boot test, over SSH, before the ISO is published.
        </p>
      </div>

      <Labelled label="Hostname" error={errorOf("hostname")}>
        <input
          value={c.hostname ?? ""}
          placeholder="zxcv"
          onChange={(e) => set({ hostname: e.target.value === "" ? undefined : e.target.value })}
          aria-invalid={errorOf("hostname") ? true : undefined}
          className={inputClass}
        />
      </Labelled>

      <Labelled label="Timezone" error={errorOf("timezone")}>
        <input
          value={c.timezone ?? ""}
          list={`${id}-zones`}
          placeholder="UTC"
          onChange={(e) => set({ timezone: e.target.value === "" ? undefined : e.target.value })}
          aria-invalid={errorOf("timezone") ? true : undefined}
          className={inputClass}
        />
      </Labelled>
      <Labelled label="Keyboard layout (console keymap)" error={errorOf("keymap")}>
        <select value={c.keymap ?? ""} onChange={(e) => set({ keymap: e.target.value === "" ? undefined : e.target.value })} className={inputClass}>
          <option value="">US (the kernel's own)</option>
          {KEYMAPS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </Labelled>
      <datalist id={`${id}-zones`}>
        {TIMEZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>

      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-700">Users</legend>
        {c.users.map((user, index) => {
          const field = `users[${user.name}]`;
          return (
            <div key={index} role="group" aria-label={`User ${index + 1}`} className="space-y-2 rounded-lg bg-white p-3 ring-1 ring-slate-200">
              <div className="grid gap-2 sm:grid-cols-2">
                <Labelled label="User name" error={errorOf(`${field}.name`)}>
                  <input value={user.name} onChange={(e) => setUser(index, { ...user, name: e.target.value })} className={inputClass} />
                </Labelled>
                <Labelled label="Groups (comma-separated; members of admin may log in as root with their SSH keys)" error={errorOf(`${field}.groups`)}>
                  <ListInput value={user.groups} separator="," onChange={(groups) => setUser(index, { ...user, groups })} />
                </Labelled>
              </div>
              <KeyList
                label={`SSH keys of ${user.name || "this user"}`}
                keys={user.keys}
                error={errorOf(`${field}.keys`)}
                onChange={(keys) => setUser(index, { ...user, keys })}
              />
              <PasswordField
                who={user.name || "this user"}
                hash={user.passwordHash}
                hashPassword={hashPassword}
                onChange={(passwordHash) => setUser(index, { ...user, passwordHash })}
              />
              <Button type="button" variant="secondary" onClick={() => set({ users: c.users.filter((_, i) => i !== index) })}>
                Remove user {user.name}
              </Button>
            </div>
          );
        })}
        <Button type="button" variant="secondary" onClick={() => set({ users: [...c.users, { name: "", groups: [], keys: [] }] })}>
          Add user
        </Button>
      </fieldset>

      <fieldset className="space-y-2 rounded-lg bg-white p-3 ring-1 ring-slate-200">
        <legend className="text-sm font-medium text-slate-700">root</legend>
        <KeyList
          label="SSH keys of root"
          keys={c.root?.keys ?? []}
          error={errorOf("root")}
          onChange={(keys) => set({ root: keys.length || c.root?.passwordHash ? { ...c.root, keys } : undefined })}
        />
        <PasswordField
          who="root"
          hash={c.root?.passwordHash}
          hashPassword={hashPassword}
          onChange={(passwordHash) => set({ root: passwordHash || c.root?.keys.length ? { keys: c.root?.keys ?? [], passwordHash } : undefined })}
        />
      </fieldset>

      <Labelled label="Kernel arguments (one per line, key or key=value)" error={errorOf("kernelArgs")}>
        <ListInput value={c.kernelArgs} separator={"\n"} multiline onChange={(kernelArgs) => set({ kernelArgs })} />
      </Labelled>

      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-700">Files</legend>
        {c.files.map((file, index) => {
          const field = `files[${file.path}]`;
          const text = base64ToText(file.content);
          return (
            <div key={index} role="group" aria-label={`File ${index + 1}`} className="space-y-2 rounded-lg bg-white p-3 ring-1 ring-slate-200">
              <div className="grid gap-2 sm:grid-cols-[1fr_6rem]">
                <Labelled label="Path" error={errorOf(`${field}.path`)}>
                  <input value={file.path} placeholder="/etc/motd" onChange={(e) => setFile(index, { ...file, path: e.target.value })} className={inputClass} />
                </Labelled>
                <Labelled label="Mode">
                  <input value={file.mode} onChange={(e) => setFile(index, { ...file, mode: e.target.value })} className={inputClass} />
                </Labelled>
              </div>
              {text === undefined ? (
                <p className="text-sm text-slate-600">Binary content ({file.content.length} base64 characters): edit it in the text view.</p>
              ) : (
                <Labelled label="Content" error={errorOf(`${field}.content`)}>
                  <textarea
                    value={text}
                    rows={4}
                    onChange={(e) => setFile(index, { ...file, content: textToBase64(e.target.value) })}
                    className={`${inputClass} font-mono text-xs`}
                  />
                </Labelled>
              )}
              <Button type="button" variant="secondary" onClick={() => set({ files: c.files.filter((_, i) => i !== index) })}>
                Remove file {file.path}
              </Button>
            </div>
          );
        })}
        {errorOf("files") && !c.files.some((f) => errorOf(`files[${f.path}]`)) && <p className="text-sm text-red-700">{errorOf("files")}</p>}
        <Button type="button" variant="secondary" onClick={() => set({ files: [...c.files, { path: "", mode: "0644", content: "" }] })}>
          Add file
        </Button>
      </fieldset>

      <Labelled label="First-boot script (runs once as root at the end of boot)" error={errorOf("firstBoot")}>
        <textarea
          value={c.firstBoot ?? ""}
          rows={4}
          placeholder="echo hello from first boot"
          onChange={(e) => set({ firstBoot: e.target.value === "" ? undefined : e.target.value })}
          className={`${inputClass} font-mono text-xs`}
        />
      </Labelled>
    </section>
  );
}

/** The message sits outside the label, so the control's name stays the label while the message comes and goes. */
function Labelled({ label, error, children }: { label: string; error?: string; children: ReactNode }) {
  return (
    <div className="text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{label}</span>
        {children}
      </label>
      {error && (
        <p role="alert" className="mt-1 text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/** A list typed as text (comma- or line-separated): the typed text stays as typed; the list follows it. */
function ListInput({ value, separator, multiline, onChange }: { value: string[]; separator: string; multiline?: boolean; onChange: (list: string[]) => void }) {
  const [text, setText] = useState(value.join(separator === "," ? ", " : separator));
  const split = (t: string) =>
    t
      .split(separator)
      .map((s) => (separator === "," ? s.trim() : s))
      .filter((s) => s !== "");
  const joined = value.join("\u0000");
  // A change from elsewhere (the text view) replaces the typed text.
  useEffect(() => {
    if (split(text).join("\u0000") !== joined) setText(value.join(separator === "," ? ", " : separator));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [joined]);
  const update = (t: string) => {
    setText(t);
    onChange(split(t));
  };
  return multiline ? (
    <textarea value={text} rows={2} onChange={(e) => update(e.target.value)} className={`${inputClass} font-mono text-xs`} />
  ) : (
    <input value={text} onChange={(e) => update(e.target.value)} className={inputClass} />
  );
}

/** Keys one per row: paste a public key and Add it; each can be removed. */
function KeyList({ label, keys, error, onChange }: { label: string; keys: string[]; error?: string; onChange: (keys: string[]) => void }) {
  const [typed, setTyped] = useState("");
  return (
    <div className="space-y-1 text-sm">
      <p className="font-medium text-slate-700">{label}</p>
      <ul className="space-y-1">
        {keys.map((key, i) => (
          <li key={i} className="flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate text-xs" title={key}>
              {key}
            </code>
            <button type="button" className="text-indigo-700 underline" onClick={() => onChange(keys.filter((_, j) => j !== i))}>
              Remove key {i + 1}
            </button>
          </li>
        ))}
      </ul>
      <div className="flex gap-2">
        <input
          aria-label={`New key for ${label}`}
          value={typed}
          placeholder="ssh-ed25519 AAAA... you@laptop"
          onChange={(e) => setTyped(e.target.value)}
          className={`${inputClass} mt-0 font-mono text-xs`}
        />
        <Button
          type="button"
          variant="secondary"
          disabled={typed.trim() === ""}
          onClick={() => {
            onChange([...keys, typed.trim()]);
            setTyped("");
          }}
        >
          Add key
        </Button>
      </div>
      {error && <p className="text-red-700">{error}</p>}
    </div>
  );
}

/** "Set password": the typed password is hashed by the server; only "a password is set" is shown after. */
function PasswordField({ who, hash, hashPassword, onChange }: { who: string; hash?: string; hashPassword: HashPassword; onChange: (hash?: string) => void }) {
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  if (hash)
    return (
      <p className="flex items-center gap-2 text-sm text-slate-700">
        A password is set for {who}.
        <button type="button" className="text-indigo-700 underline" onClick={() => onChange(undefined)}>
          Remove password of {who}
        </button>
      </p>
    );
  return (
    <div className="space-y-1 text-sm">
      <div className="flex items-end gap-2">
        <label className="block flex-1">
          <span className="font-medium text-slate-700">Password of {who} (optional; SSH takes keys only)</span>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
        </label>
        <Button
          type="button"
          variant="secondary"
          disabled={pending || password === ""}
          onClick={async () => {
            setPending(true);
            const result = await hashPassword({ password }).catch(() => ({ message: "Could not reach the server; try again." }) as FormState<string>);
            setPending(false);
            if (result.data) {
              setPassword("");
              setError(undefined);
              onChange(result.data);
            } else setError(result.message ?? Object.values(result.fieldErrors ?? {}).join("; "));
          }}
        >
          Set password
        </Button>
      </div>
      {error && <p className="text-red-700">{error}</p>}
    </div>
  );
}
