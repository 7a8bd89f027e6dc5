"use client";

import "@xterm/xterm/css/xterm.css";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { testDriveViewSchema, type TestDriveView } from "@/contracts/testdrive";
import { postJson } from "./post-json";

const STATUS_TEXT: Record<TestDriveView["status"], string> = {
  PENDING: "Waiting for a build host…",
  STARTING: "The build host is starting QEMU…",
  RUNNING: "Running",
  ENDED: "Ended",
};

/**
 * The session's serial console in a real terminal (xterm.js): bytes arrive as Server-Sent Events, keys go out as
 * POSTs (one in flight, the rest batched behind it). Shows the status, the host and a countdown; extend once, end.
 */
export function TestDriveConsole({ initial, onClosed }: { initial: TestDriveView; onClosed: () => void }) {
  const holder = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState(initial);
  const [endReason, setEndReason] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [screenVersion, setScreenVersion] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    const terminal = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 13, rows: 24, cols: 100, scrollback: 2000 });
    terminal.open(holder.current!);
    terminal.focus();
    let queued = "";
    let isSending = false;
    const send = async () => {
      if (isSending || !queued) return;
      isSending = true;
      const data = queued;
      queued = "";
      const answer = await postJson(`/api/testdrive/${initial.id}/keys`, { data });
      isSending = false;
      if (!answer.ok) setProblem(answer.message);
      void send();
    };
    const typing = terminal.onData((data) => {
      queued += data;
      void send();
    });
    const events = new EventSource(`/api/testdrive/${initial.id}/console`);
    events.addEventListener("out", (event) => terminal.write(Uint8Array.from(atob(event.data), (c) => c.charCodeAt(0))));
    events.addEventListener("state", (event) => {
      const parsed = testDriveViewSchema.safeParse(JSON.parse(event.data));
      if (parsed.success) setSession(parsed.data);
    });
    events.addEventListener("screen", (event) => setScreenVersion(event.data));
    events.addEventListener("end", (event) => {
      setEndReason(event.data);
      setSession((s) => ({ ...s, status: "ENDED", canExtend: false }));
      events.close();
    });
    return () => {
      events.close();
      typing.dispose();
      terminal.dispose();
    };
  }, [initial.id]);

  const extend = async () => {
    const answer = await postJson(`/api/testdrive/${session.id}/extend`);
    if (answer.ok) setSession(testDriveViewSchema.parse(answer.data));
    else setProblem(answer.message);
  };
  const end = async () => {
    const answer = await postJson(`/api/testdrive/${session.id}/end`);
    if (!answer.ok) setProblem(answer.message);
  };
  const isOver = session.status === "ENDED";
  const left = Math.max(0, Math.round((Date.parse(session.expiresAt) - now) / 1000));
  return (
    <div className="mt-3 space-y-2" data-testid="testdrive">
      <div className="flex flex-wrap items-center gap-3">
        <p role="status" data-testid="testdrive-status" className="font-medium">
          {STATUS_TEXT[session.status]}
          {session.hostName ? ` on ${session.hostName}` : ""} · {session.firmware.toUpperCase()}
        </p>
        {!isOver && (
          <p data-testid="testdrive-countdown" aria-live="off">
            {Math.floor(left / 60)}:{String(left % 60).padStart(2, "0")} left
          </p>
        )}
        {session.canExtend && (
          <Button type="button" variant="secondary" onClick={extend}>
            Extend by {Math.round(session.limitSeconds / 60) || 1} min
          </Button>
        )}
        {isOver ? (
          <Button type="button" variant="secondary" onClick={onClosed}>
            Close
          </Button>
        ) : (
          <Button type="button" variant="danger" onClick={end}>
            End
          </Button>
        )}
      </div>
      {endReason && (
        <p role="alert" data-testid="testdrive-end" className="text-slate-800">
          The test-drive ended: {endReason}
        </p>
      )}
      {problem && (
        <p role="alert" className="text-red-700">
          {problem}
        </p>
      )}
      <div
        ref={holder}
        data-testid="testdrive-terminal"
        aria-label="Serial console of the test-drive: type here"
        className="overflow-hidden rounded-lg bg-black p-2"
      />
      {screenVersion && (
        <figure className="space-y-1">
          {/* A PNG from the app, replaced every second while the screen changes. */}
          <img
            data-testid="testdrive-screen"
            src={`/api/testdrive/${session.id}/screen?v=${encodeURIComponent(screenVersion)}`}
            alt="The test-drive's screen (the first console, tty1), refreshed every second; type in the serial console above"
            className="max-w-full rounded-lg ring-1 ring-slate-300"
            width={720}
            height={400}
          />
          <figcaption className="text-xs text-slate-600">The screen (tty1), a picture a second. Keys go to the serial console above.</figcaption>
        </figure>
      )}
    </div>
  );
}

/** The current time, once a second (for the countdown). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
