-- Sharing by link: a profile or a build (its ISO) is shared while it has a share token.
-- The token replaces Profile.isPublic, which nothing ever set: a public-by-id flag is not a capability.

-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "shareToken" TEXT;

-- AlterTable
ALTER TABLE "Profile" DROP COLUMN "isPublic",
ADD COLUMN     "shareToken" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Build_shareToken_key" ON "Build"("shareToken");

-- CreateIndex
CREATE UNIQUE INDEX "Profile_shareToken_key" ON "Profile"("shareToken");
