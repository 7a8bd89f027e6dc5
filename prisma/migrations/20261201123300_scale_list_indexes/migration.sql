-- CreateIndex
CREATE INDEX "Build_requestedById_queuedAt_id_idx" ON "Build"("requestedById", "queuedAt", "id");

-- CreateIndex
CREATE INDEX "Build_requestedById_status_finishedAt_id_idx" ON "Build"("requestedById", "status", "finishedAt", "id");

-- CreateIndex
CREATE INDEX "Build_reusedFromId_idx" ON "Build"("reusedFromId");
