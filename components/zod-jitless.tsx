"use client";

import { z } from "zod";

// Zod compiles object parsers with `new Function` unless told not to, and its probe for that alone is reported as a
// CSP violation under our policy (no 'unsafe-eval'): in the browser, zod runs without it. Loaded by the root layout,
// before any page's code parses.
z.config({ jitless: true });

/** Renders nothing: importing it is what sets zod's browser configuration. */
export function ZodJitless() {
  return null;
}
