import type { Metadata } from "next";
import { listApiTokens } from "@/lib/api-tokens";
import { requireActor } from "@/lib/auth/current-actor";
import { getEnv } from "@/lib/env";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { revokeTokenAction } from "./actions";
import { CreateTokenForm } from "./create-token-form";

export const metadata: Metadata = { title: "API tokens" };

function formatDate(date: Date | null): string {
  return date ? date.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never";
}

export default async function TokensPage() {
  const actor = await requireActor();
  const tokens = await listApiTokens({ actor });
  const appUrl = getEnv().APP_URL;
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens let scripts and the zxcv CLI act as you. Send one as “Authorization: Bearer zxcv_…”."
      />
      <p className="mb-6 text-sm text-slate-600">
        The REST API is described at{" "}
        <a className="text-indigo-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
        .
      </p>
      <section className="mb-8 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="new-token">
        <h2 id="new-token" className="mb-3 font-semibold">
          New token
        </h2>
        <CreateTokenForm appUrl={appUrl} />
      </section>
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-600">You have no tokens yet.</p>
      ) : (
        <table className="w-full rounded-lg bg-white text-left text-sm ring-1 ring-slate-200" aria-label="Your API tokens">
          <thead className="text-slate-600">
            <tr>
              <th className="px-4 py-2 font-medium">Name</th>
              <th className="px-4 py-2 font-medium">Token</th>
              <th className="px-4 py-2 font-medium">Created</th>
              <th className="px-4 py-2 font-medium">Last used</th>
              <th className="px-4 py-2 font-medium">Expires</th>
              <th className="px-4 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {tokens.map((token) => (
              <tr key={token.id} className={token.revokedAt ? "text-slate-400" : ""}>
                <td className="px-4 py-2 break-all">{token.name}</td>
                <td className="px-4 py-2 font-mono">{token.prefix}…</td>
                <td className="px-4 py-2">{formatDate(token.createdAt)}</td>
                <td className="px-4 py-2">{formatDate(token.lastUsedAt)}</td>
                <td className="px-4 py-2">{token.expiresAt ? `${token.expiresAt < new Date() ? "expired " : ""}${formatDate(token.expiresAt)}` : "never"}</td>
                <td className="px-4 py-2 text-right">
                  {token.revokedAt ? (
                    <span>Revoked {formatDate(token.revokedAt)}</span>
                  ) : (
                    <form action={revokeTokenAction}>
                      <input type="hidden" name="id" value={token.id} />
                      <Button type="submit" variant="secondary" aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </Button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
