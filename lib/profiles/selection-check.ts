import type { Catalog } from "@/contracts/catalog";
import { canonicalizeSelection, selectionHash, selectionSchema, validateSelection, type Selection, type SelectionProblem } from "@/contracts/selection";
import { AppError } from "../errors";

/** Problems that make a selection meaningless (names the catalog does not know); conflicts are not among them. */
const STRUCTURAL: SelectionProblem["code"][] = ["wrong-channel", "unknown-role", "missing-role", "unknown-alternative", "unknown-package", "duplicate-package"];

/**
 * What a revision stores: a canonical selection whose every name is in the catalog. A selection with
 * conflicts or missing requirements may be saved (work in progress) but not built.
 */
export function toStorableSelection(catalog: Catalog, input: unknown): { selection: Selection; configHash: string } {
  const parsed = selectionSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "That is not a profile selection", { issues: parsed.error.issues.map((i) => i.message) });
  const selection = canonicalizeSelection(parsed.data);
  const broken = validateSelection(catalog, parsed.data).filter((p) => STRUCTURAL.includes(p.code));
  if (broken.length > 0) {
    throw new AppError("BAD_REQUEST", broken.map((p) => p.message).join("; "), { problems: broken });
  }
  return { selection, configHash: selectionHash(selection) };
}
