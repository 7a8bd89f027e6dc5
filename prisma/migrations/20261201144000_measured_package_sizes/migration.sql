-- The bytes a successful build measured for a package alone in this channel revision (lib/catalog.ts recordMeasuredSizes).
ALTER TABLE "CatalogPackage" ADD COLUMN "measuredBytes" BIGINT;
