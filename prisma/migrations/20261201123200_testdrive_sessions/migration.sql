-- CreateEnum
CREATE TYPE "TestDriveStatus" AS ENUM ('PENDING', 'STARTING', 'RUNNING', 'ENDED');

-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "testDriveOnShare" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TestDriveSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "buildId" TEXT NOT NULL,
    "hostId" TEXT,
    "firmware" TEXT NOT NULL,
    "status" "TestDriveStatus" NOT NULL DEFAULT 'PENDING',
    "tokenHash" TEXT,
    "limitSeconds" INTEGER NOT NULL,
    "isExtended" BOOLEAN NOT NULL DEFAULT false,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "TestDriveSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TestDriveSession_tokenHash_key" ON "TestDriveSession"("tokenHash");

-- CreateIndex
CREATE INDEX "TestDriveSession_userId_status_idx" ON "TestDriveSession"("userId", "status");

-- CreateIndex
CREATE INDEX "TestDriveSession_hostId_status_idx" ON "TestDriveSession"("hostId", "status");

-- AddForeignKey
ALTER TABLE "TestDriveSession" ADD CONSTRAINT "TestDriveSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestDriveSession" ADD CONSTRAINT "TestDriveSession_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestDriveSession" ADD CONSTRAINT "TestDriveSession_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "BuildHost"("id") ON DELETE SET NULL ON UPDATE CASCADE;

