import type { Catalog } from "@/contracts/catalog";
import { canonicalizeSelection, isStructuralProblem, selectionHash, selectionSchema, validateSelection, type Selection } from "@/contracts/selection";
import { AppError } from "../errors";

/**
 * What a revision stores: a canonical selection whose every name is in the catalog. A selection with
 * conflicts or missing requirements may be saved (work in progress) but not built.
 */
export function toStorableSelection(catalog: Catalog, input: unknown): { selection: Selection; configHash: string } {
  const parsed = selectionSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "That is not a profile selection", { issues: parsed.error.issues.map((i) => i.message) });
  const selection = canonicalizeSelection(parsed.data);
  const broken = validateSelection(catalog, parsed.data).filter(isStructuralProblem);
  if (broken.length > 0) {
    throw new AppError("BAD_REQUEST", broken.map((p) => p.message).join("; "), { problems: broken });
  }
  return { selection, configHash: selectionHash(selection) };
}
