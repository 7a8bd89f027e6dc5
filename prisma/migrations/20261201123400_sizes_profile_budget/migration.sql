-- AlterTable
ALTER TABLE "Profile" ADD COLUMN     "sizeBudgetBytes" BIGINT;
