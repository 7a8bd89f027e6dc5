import type { Metadata } from "next";
import { listApiTokens } from "@/lib/api-tokens";
import { requireActor } from "@/lib/auth/current-actor";
import { getEnv } from "@/lib/env";
import { ActionButton } from "@/components/ui/action-button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Cell, Table } from "@/components/ui/table";
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
      <PageHeader title="API tokens" description="Personal tokens let scripts and the zxcv CLI act as you. Send one as “Authorization: Bearer zxcv_…”." />
      <p className="mb-6 text-sm text-slate-600">
        The REST API is described at{" "}
        <a className="text-indigo-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
        .
      </p>
      <Card id="new-token" title="New token" className="mb-8">
        <CreateTokenForm appUrl={appUrl} />
      </Card>
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-600">You have no tokens yet.</p>
      ) : (
        <Table label="Your API tokens" columns={["Name", "Token", "Created", "Last used", "Expires", ""]}>
          {tokens.map((token) => (
            <tr key={token.id} className={token.revokedAt ? "text-slate-400" : ""}>
              <Cell className="break-all">{token.name}</Cell>
              <Cell className="font-mono">{token.prefix}…</Cell>
              <Cell>{formatDate(token.createdAt)}</Cell>
              <Cell>{formatDate(token.lastUsedAt)}</Cell>
              <Cell>{token.expiresAt ? `${token.expiresAt < new Date() ? "expired " : ""}${formatDate(token.expiresAt)}` : "never"}</Cell>
              <Cell className="text-right">
                {token.revokedAt ? (
                  <span>Revoked {formatDate(token.revokedAt)}</span>
                ) : (
                  <ActionButton action={revokeTokenAction} fields={{ id: token.id }} label={`Revoke ${token.name}`}>
                    Revoke
                  </ActionButton>
                )}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
