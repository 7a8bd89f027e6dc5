-- The generated catalog's packages, searched server-side: names by pg_trgm (substring, similarity), descriptions by
-- full-text words.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "CatalogPackage" (
    "channel" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "section" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "entry" JSONB NOT NULL,
    "search" tsvector,

    CONSTRAINT "CatalogPackage_pkey" PRIMARY KEY ("channel","id")
);

-- CreateIndex
CREATE INDEX "CatalogPackage_id_trgm" ON "CatalogPackage" USING GIN ("id" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "CatalogPackage_search" ON "CatalogPackage" USING GIN ("search");
