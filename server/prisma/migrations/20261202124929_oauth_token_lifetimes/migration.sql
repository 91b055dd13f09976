-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "tokenExchangeOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tokenTtlSeconds" INTEGER;

-- AlterTable
ALTER TABLE "Group" ADD COLUMN     "tokenTtlSeconds" INTEGER;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "maxTokenTtlSeconds" INTEGER NOT NULL DEFAULT 2592000;
