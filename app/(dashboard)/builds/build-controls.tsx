"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { cancelBuildAction, retryBuildAction } from "./actions";

export function BuildControls({ buildId, canCancel, canRetry }: { buildId: string; canCancel: boolean; canRetry: boolean }) {
  const [cancelState, cancel, cancelling] = useActionState(cancelBuildAction, {});
  const [retryState, retry, retrying] = useActionState(retryBuildAction, {});
  const message = cancelState.message ?? retryState.message;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        {canCancel && (
          <form action={cancel}>
            <input type="hidden" name="buildId" value={buildId} />
            <Button variant="danger" type="submit" disabled={cancelling}>
              Cancel build
            </Button>
          </form>
        )}
        {canRetry && (
          <form action={retry}>
            <input type="hidden" name="buildId" value={buildId} />
            <Button variant="secondary" type="submit" disabled={retrying}>
              Retry
            </Button>
          </form>
        )}
      </div>
      {message && (
        <p role="alert" className="text-sm text-red-700">
          {message}
        </p>
      )}
    </div>
  );
}
