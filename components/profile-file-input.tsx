import { formatBytes } from "@/components/format";
import { inputClass } from "@/components/ui/field";
import { PROFILE_TEXT_MAX_BYTES } from "@/contracts/profile-text";

/** The file input of every profile import; its size is checked here before it is sent, and again on the server. */
export function ProfileFileInput({ label, onError, error }: { label: string; onError: (message: string | undefined) => void; error?: string }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        type="file"
        name="file"
        accept=".zxcv,.txt,text/plain"
        aria-invalid={error ? true : undefined}
        className={`${inputClass} file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1`}
        onChange={(event) => onError(checkProfileFile(event.currentTarget.files?.[0]))}
      />
      {error && <span className="mt-1 block text-red-700">{error}</span>}
    </label>
  );
}

/** Why a chosen file cannot be a profile (too large), or undefined. */
export function checkProfileFile(file: File | undefined): string | undefined {
  if (!file) return undefined;
  if (file.size > PROFILE_TEXT_MAX_BYTES) {
    return `That file is ${formatBytes(file.size)}; a profile file is at most ${PROFILE_TEXT_MAX_BYTES / 1024} KB. Is it the right file?`;
  }
  return undefined;
}
