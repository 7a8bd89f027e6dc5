-- CreateTable
CREATE TABLE "Channel" (
    "name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "catalog" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("name")
);
