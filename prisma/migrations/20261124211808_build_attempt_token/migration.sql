-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "attemptTokenHash" TEXT;
