// Ids of rows inserted in SQL (newRowId) are unique, in the form Prisma's cuid() ids have, and later ones sort after.
import assert from "node:assert/strict";
import { test } from "node:test";
import { newRowId } from "./db";

test("newRowId gives unique 25-character ids, each sorting after the one made before it", () => {
  const ids = Array.from({ length: 20_000 }, () => newRowId());
  assert.equal(new Set(ids).size, ids.length);
  for (const [i, id] of ids.entries()) {
    assert.match(id, /^c[0-9a-z]{24}$/);
    if (i > 0) assert.ok(id > ids[i - 1]!, `${id} sorts after ${ids[i - 1]}`);
  }
});
