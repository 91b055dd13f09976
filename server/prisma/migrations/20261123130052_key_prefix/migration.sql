-- AlterTable: each key keeps the prefix its text was issued with; existing keys take their
-- tenant's current prefix (the one their text was issued with, unless the tenant changed it).
ALTER TABLE "ApiKey" ADD COLUMN     "keyPrefix" TEXT;
UPDATE "ApiKey" AS k SET "keyPrefix" = t."keyPrefix" FROM "Tenant" AS t WHERE t."id" = k."tenantId";
ALTER TABLE "ApiKey" ALTER COLUMN "keyPrefix" SET NOT NULL;
