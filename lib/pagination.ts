import { Prisma } from "@/generated/prisma/client";
import { AppError } from "./errors";

/**
 * Keyset pagination over rows ordered newest first by (a timestamp, id): a page starts after (older) or before
 * (newer) the row a cursor names, so reading page N costs what page 1 costs, and a row inserted meanwhile never
 * shifts a later page (no duplicates, no gaps). A cursor is opaque to clients: base64url of `<ms>.<id>`.
 */
export type Cursor = { at: Date; id: string };
export type PageRequest = { after?: string; before?: string; take: number };
export type Page<T> = { items: T[]; newer: string | null; older: string | null };

/** The most rows one page may ask for (the REST `limit` and the pages alike). */
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.getTime()}.${cursor.id}`).toString("base64url");
}

export function decodeCursorOrThrow(text: string): Cursor {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  if (!match) throw new AppError("BAD_REQUEST", "That page cursor is not one this dashboard gave out: start again from the first page");
  return { at: new Date(Number(match[1])), id: match[2]! };
}

/** Turns the rows read by a `keysetSql` query into a page, newest first, with the cursors of its neighbours. */
export function toPage<R extends { id: string }>(rows: R[], query: { take: number; isBackward: boolean; hasCursor: boolean }, at: (row: R) => Date): Page<R> {
  const hasMore = rows.length === query.take;
  const items = rows.slice(0, query.take - 1);
  if (query.isBackward) items.reverse();
  const first = items[0];
  const last = items.at(-1);
  const cursorOf = (row: R) => encodeCursor({ at: at(row), id: row.id });
  const hasNewer = query.isBackward ? hasMore : query.hasCursor;
  const hasOlder = query.isBackward ? true : hasMore;
  return { items, newer: first && hasNewer ? cursorOf(first) : null, older: last && hasOlder ? cursorOf(last) : null };
}

/** The cursor params of a page's search params (a repeated param counts as absent). */
export function cursorParams(search: Record<string, string | string[] | undefined>): { after?: string; before?: string } {
  const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);
  return { after: one(search.after), before: one(search.before) };
}

/**
 * The `WHERE` addition and `ORDER BY` of one page on `column` of a list written in SQL (one query with its joins,
 * where Prisma would make one per relation): `(column, id) < (at, id)` is a row comparison PostgreSQL reads as a
 * range of the index. One row more than asked is read to know whether another page follows.
 */
export function keysetSql(column: Prisma.Sql, id: Prisma.Sql, request: PageRequest) {
  const isBackward = Boolean(request.before) && !request.after;
  const raw = request.after ?? request.before;
  const cursor = raw ? decodeCursorOrThrow(raw) : undefined;
  const direction = isBackward ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const where = cursor
    ? isBackward
      ? Prisma.sql`AND (${column}, ${id}) > (${cursor.at}, ${cursor.id})`
      : Prisma.sql`AND (${column}, ${id}) < (${cursor.at}, ${cursor.id})`
    : Prisma.empty;
  return {
    where,
    orderBy: Prisma.sql`ORDER BY ${column} ${direction}, ${id} ${direction}`,
    direction,
    take: request.take + 1,
    isBackward,
    hasCursor: Boolean(cursor),
  };
}
