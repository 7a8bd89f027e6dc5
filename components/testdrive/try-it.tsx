"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { formatTestDriveLimit, testDriveViewSchema, type TestDriveFirmware, type TestDriveView } from "@/contracts/testdrive";
import { postJson } from "./post-json";

// The terminal (xterm.js and its CSS) loads only when a session starts: the build page stays light.
const TestDriveConsole = dynamic(() => import("./console").then((m) => m.TestDriveConsole), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-600">Loading the terminal…</p>,
});

export type TestDriveLimits = { limitSeconds: number; memoryMb: number; sessionsPerHost: number };

/**
 * "Try it": boots this build's ISO in QEMU on a build host and shows its serial console here. `target` is the
 * person's own build, or a shared one (its share token); `share` lets the owner of a shared build allow the latter.
 */
export function TryIt({
  target,
  bootloader,
  limits,
  share,
}: {
  target: { buildId: string } | { shareToken: string };
  bootloader: string;
  limits: TestDriveLimits;
  share?: { buildId: string; isAllowed: boolean };
}) {
  const [firmware, setFirmware] = useState<TestDriveFirmware>("bios");
  const [session, setSession] = useState<TestDriveView | null>(null);
  const [problem, setProblem] = useState<{ message: string; sessionId?: string } | null>(null);
  const [isStarting, setStarting] = useState(false);
  const start = async () => {
    setStarting(true);
    setProblem(null);
    const answer = await postJson("/api/testdrive", { ...target, firmware });
    setStarting(false);
    if (answer.ok) setSession(testDriveViewSchema.parse(answer.data));
    else setProblem({ message: answer.message, sessionId: answer.details?.sessionId as string | undefined });
  };
  const endOther = async (sessionId: string) => {
    await postJson(`/api/testdrive/${sessionId}/end`);
    setProblem(null);
  };
  return (
    <section aria-labelledby="try-it-heading" className="mb-6 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200" data-testid="try-it">
      <h2 id="try-it-heading" className="font-medium">
        Try it in the browser
      </h2>
      <p className="mt-1 text-slate-600" data-testid="testdrive-limits">
        Boots this ISO in QEMU on a build host and shows its serial console here. Limits: one session per person at a time,{" "}
        {formatTestDriveLimit(limits.limitSeconds)} (extendable once), {limits.memoryMb} MB of memory, no network beyond QEMU&apos;s own with no way out, at
        most {limits.sessionsPerHost} sessions per host, each taking one of its build slots. Closing the page ends it.
      </p>
      {session ? (
        <TestDriveConsole initial={session} onClosed={() => setSession(null)} />
      ) : (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          {bootloader === "grub" ? (
            <fieldset className="flex items-center gap-3">
              <legend className="sr-only">Firmware</legend>
              {(["bios", "uefi"] as const).map((f) => (
                <label key={f} className="flex items-center gap-1">
                  <input type="radio" name="firmware" value={f} checked={firmware === f} onChange={() => setFirmware(f)} />
                  {f.toUpperCase()}
                </label>
              ))}
            </fieldset>
          ) : (
            <span className="text-slate-600">BIOS (ISOLINUX boots on BIOS only)</span>
          )}
          <Button type="button" onClick={start} disabled={isStarting}>
            {isStarting ? "Starting…" : "Try it"}
          </Button>
        </div>
      )}
      {share && <ShareToggle {...share} />}
      {problem && (
        <div role="alert" className="mt-3 text-red-700">
          <p>{problem.message}</p>
          {problem.sessionId && (
            <Button type="button" variant="secondary" className="mt-2" onClick={() => endOther(problem.sessionId!)}>
              End my other test-drive
            </Button>
          )}
        </div>
      )}
    </section>
  );
}

/** The owner's switch: people who hold the share link (and are signed in) may try this ISO too. */
function ShareToggle({ buildId, isAllowed: initial }: { buildId: string; isAllowed: boolean }) {
  const [isAllowed, setAllowed] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const change = async (next: boolean) => {
    const answer = await postJson("/api/testdrive/share", { buildId, isAllowed: next });
    if (answer.ok) setAllowed(next);
    else setProblem(answer.message);
  };
  return (
    <div className="mt-3">
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={isAllowed} onChange={(event) => void change(event.target.checked)} data-testid="testdrive-on-share" />
        Let people with the share link try it too (they sign in; each session counts against them, not you)
      </label>
      {problem && (
        <p role="alert" className="text-red-700">
          {problem}
        </p>
      )}
    </div>
  );
}
