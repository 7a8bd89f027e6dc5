import assert from "node:assert/strict";
import { test } from "node:test";
import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "./actions";
import { AppError } from "./errors";

const schema = z.object({ email: z.email({ message: "Enter an email address" }), password: z.string().min(10, "At least 10 characters") });

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  data.set("$ACTION_ID_abc", "");
  return data;
}

test("bad input: one message per field, the typed values back, never the password, and the handler is not called", async () => {
  let called = false;
  const action = validatedAction(schema, async () => {
    called = true;
  });
  const state = await action(undefined, form({ email: "not an email", password: "short" }));
  assert.equal(called, false);
  assert.deepEqual(state.fieldErrors, { email: "Enter an email address", password: "At least 10 characters" });
  assert.deepEqual(state.values, { email: "not an email" });
});

test("an AppError becomes the form's message, its string details field errors, with the values kept", async () => {
  const action = validatedAction(schema, async ({ email }) => {
    throw new AppError("CONFLICT", `${email} already has an account`, { email: "Already registered", latestNumber: 4 });
  });
  const state = await action(undefined, form({ email: "ada@example.org", password: "long enough secret" }));
  assert.equal(state.message, "ada@example.org already has an account");
  assert.deepEqual(state.fieldErrors, { email: "Already registered" });
  assert.equal(state.latestNumber, 4);
  assert.deepEqual(state.values, { email: "ada@example.org" });
});

test("an unexpected error is said plainly, without its text; what the handler returns is the state", async () => {
  const failing = validatedAction(schema, async () => {
    throw new Error("connection refused at 10.0.0.3");
  });
  const original = console.error;
  console.error = () => {};
  try {
    const state = await failing(undefined, form({ email: "ada@example.org", password: "long enough secret" }));
    assert.match(state.message!, /Something went wrong on our side; nothing was changed/);
    assert.doesNotMatch(state.message!, /10\.0\.0\.3/);
  } finally {
    console.error = original;
  }
  const working = validatedAction(schema, async ({ email }) => ({ ok: true, data: { email } }));
  assert.deepEqual(await working(undefined, { email: "ada@example.org", password: "long enough secret" }), { ok: true, data: { email: "ada@example.org" } });
});

test("redirect() inside the handler leaves the action as Next expects, not as an error message", async () => {
  const action = validatedAction(schema, async () => redirect("/machines"));
  await assert.rejects(action(undefined, form({ email: "ada@example.org", password: "long enough secret" })), (error: unknown) =>
    String((error as { digest?: string }).digest).startsWith("NEXT_REDIRECT"),
  );
});
