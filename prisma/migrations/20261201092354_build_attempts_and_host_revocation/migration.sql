-- Every attempt of a build becomes its own row (BuildAttempt), refused claims and results are kept (BuildRefusal),
-- and a host token can be revoked (BuildHost.revokedAt). The attempt token moves from Build to BuildAttempt.
-- CreateEnum
CREATE TYPE "AttemptStatus" AS ENUM ('CLAIMED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'LOST');

-- AlterTable
ALTER TABLE "BuildHost" ADD COLUMN     "revokedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "BuildAttempt" (
    "id" TEXT NOT NULL,
    "buildId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "hostId" TEXT,
    "status" "AttemptStatus" NOT NULL DEFAULT 'CLAIMED',
    "tokenHash" TEXT,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "result" JSONB,
    "failureReason" TEXT,
    "logArtifactId" TEXT,
    "uploadLockId" TEXT,
    "uploadLockUntil" TIMESTAMP(3),

    CONSTRAINT "BuildAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BuildRefusal" (
    "id" TEXT NOT NULL,
    "buildId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "hostName" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BuildRefusal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BuildAttempt_tokenHash_key" ON "BuildAttempt"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "BuildAttempt_buildId_number_key" ON "BuildAttempt"("buildId", "number");

-- CreateIndex
CREATE INDEX "BuildRefusal_buildId_idx" ON "BuildRefusal"("buildId");

-- AddForeignKey
ALTER TABLE "BuildAttempt" ADD CONSTRAINT "BuildAttempt_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuildAttempt" ADD CONSTRAINT "BuildAttempt_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "BuildHost"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuildAttempt" ADD CONSTRAINT "BuildAttempt_logArtifactId_fkey" FOREIGN KEY ("logArtifactId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuildRefusal" ADD CONSTRAINT "BuildRefusal_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every build a host took so far gets its current attempt as a row (its token moves there), earlier attempts were not kept.
INSERT INTO "BuildAttempt" ("id", "buildId", "number", "hostId", "status", "tokenHash", "claimedAt", "startedAt", "finishedAt", "result", "failureReason")
SELECT 'migrated-' || "id", "id", "attempt", "hostId",
       (CASE "status" WHEN 'RUNNING' THEN 'RUNNING' WHEN 'SUCCEEDED' THEN 'SUCCEEDED' WHEN 'FAILED' THEN 'FAILED' ELSE 'CANCELLED' END)::"AttemptStatus",
       "attemptTokenHash", COALESCE("startedAt", "queuedAt"), "startedAt", "finishedAt", "result", "failureReason"
FROM "Build"
WHERE "reusedFromId" IS NULL AND "startedAt" IS NOT NULL AND "status" <> 'QUEUED';

-- AlterTable
ALTER TABLE "Build" DROP COLUMN "attemptTokenHash";
