/** A POST from the page to the app's JSON API, with the API's error message when it refuses. */
export async function postJson(
  url: string,
  body?: unknown,
): Promise<{ ok: true; data: unknown } | { ok: false; message: string; details?: Record<string, unknown> }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json().catch(() => ({}))) as { error?: { message?: string; details?: Record<string, unknown> } };
    if (response.ok) return { ok: true, data };
    return { ok: false, message: data.error?.message ?? `The dashboard answered ${response.status}`, details: data.error?.details };
  } catch {
    return { ok: false, message: "The dashboard cannot be reached: check your connection and try again" };
  }
}
