"use client";

import { useId, useRef } from "react";

export type LineError = { line: number; message: string };

const ROWS = 14;

/** The profile as text, with a line-number gutter that marks the lines an error points at. */
export function TextView({ text, errors, onChange }: { text: string; errors: LineError[]; onChange: (text: string) => void }) {
  const gutter = useRef<HTMLDivElement>(null);
  const id = useId();
  const lineCount = Math.max(text.split("\n").length, ROWS);
  const badLines = new Set(errors.map((e) => e.line));
  return (
    <div>
      <label htmlFor={id} className="font-semibold">
        Profile text <span className="text-sm font-normal text-slate-600">— one line per role and per package; edit a line to swap</span>
      </label>
      {/* Fixed height: the page does not move while typing. */}
      <div className="mt-2 flex h-[21.5rem] overflow-hidden rounded-lg bg-white font-mono text-sm ring-1 ring-slate-300 focus-within:ring-2 focus-within:ring-indigo-600">
        <div ref={gutter} aria-hidden className="overflow-hidden bg-slate-50 py-2 text-right text-slate-400 select-none">
          {Array.from({ length: lineCount + 1 }, (_, i) => (
            <div key={i} className={`px-2 leading-6 ${badLines.has(i + 1) ? "bg-red-100 font-bold text-red-700" : ""}`}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          id={id}
          value={text}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          wrap="off"
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={`${id}-errors`}
          onChange={(event) => onChange(event.target.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
          className="h-full flex-1 resize-none bg-transparent px-3 py-2 leading-6 outline-none"
        />
      </div>
      <div id={`${id}-errors`} aria-live="polite" className="mt-2 h-20 overflow-y-auto text-sm">
        {errors.length === 0 ? (
          <p className="text-green-700">The text reads as a valid profile.</p>
        ) : (
          <ul className="space-y-1 text-red-700">
            {errors.map((error, i) => (
              <li key={i}>
                <span className="font-mono font-semibold">Line {error.line}:</span> {error.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
