import { notFound, redirect } from "next/navigation";
import { isAppError } from "@/lib/errors";

/** Someone else's object and a missing one both render the 404 page. */
export async function loadOr404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

/**
 * A keyset-paged list page (lib/pagination.ts): a cursor that is not one we gave out (edited, or from an older
 * version), or one whose page is now empty (its rows were deleted), shows the first page instead.
 */
export async function loadPageOrFirst<T extends { items: unknown[] }>(
  path: string,
  search: { after?: string; before?: string },
  load: () => Promise<T>,
): Promise<T> {
  const hasCursor = Boolean(search.after || search.before);
  let page: T;
  try {
    page = await load();
  } catch (error) {
    if (hasCursor && isAppError(error) && error.code === "BAD_REQUEST") redirect(path);
    throw error;
  }
  if (hasCursor && page.items.length === 0) redirect(path);
  return page;
}
