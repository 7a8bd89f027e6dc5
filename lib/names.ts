import { z } from "zod";
import { ARCHES } from "@/contracts/jobs";

/**
 * A person's name for a machine or profile: free text, trimmed, one line, at most 80 characters.
 * Names are only ever rendered as text and never reach Nix, so HTML or Nix syntax in them is harmless.
 */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "Give it a name")
  .max(80, "At most 80 characters")
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "One line of text, without control characters");

export const notesSchema = z.string().max(4000, "Notes are at most 4000 characters").default("");

export const archSchema = z.enum(ARCHES, { message: `Choose ${ARCHES.join(" or ")}` });

/** The architectures as `<select>` options, x86_64 first (the default). */
export const ARCH_OPTIONS = ARCHES.map((arch) => ({ value: arch, label: arch }));

/** Prisma's unique-constraint violation, without importing its runtime error classes. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
