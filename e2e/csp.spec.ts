import { expect, test } from "./fixtures";

// The pages work under the Content-Security-Policy (proxy.ts): no violation on the console, scripts carry the
// request's nonce, and client-side forms still work.
test("the dashboard's pages run under the CSP without a single violation", async ({ page, signedInPage }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });

  for (const path of ["/machines", "/builds", "/downloads", "/hosts", "/settings/tokens"]) {
    const response = await signedInPage.goto(path);
    expect(response?.headers()["content-security-policy"]).toMatch(/'nonce-/);
    await expect(page.getByRole("navigation").first()).toBeVisible();
  }
  // The inline scripts Next.js writes carry this response's nonce.
  const response = await page.goto("/settings/tokens");
  const nonce = /'nonce-([^']+)'/.exec(response!.headers()["content-security-policy"]!)![1];
  const inline = await page.locator("script:not([src])").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(inline.length).toBeGreaterThan(0);
  expect(inline.every((n) => n === nonce)).toBe(true);
  // A client-side form (useActionState) still works.
  await page.getByLabel("Token name").fill("under CSP");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toHaveText(/^zxcv_/);
  // The sign-in page, signed out.
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(violations).toEqual([]);
});
