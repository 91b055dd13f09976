-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "identityId" TEXT,
ADD COLUMN     "rateLimits" JSONB;

-- AlterTable
ALTER TABLE "Group" ADD COLUMN     "defaultRefillAmount" INTEGER,
ADD COLUMN     "defaultRefillIntervalSeconds" INTEGER,
ADD COLUMN     "defaultRemainingUses" INTEGER,
ADD COLUMN     "rateLimits" JSONB;

-- CreateTable
CREATE TABLE "Identity" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "rateLimitMax" INTEGER,
    "rateLimitWindowMs" INTEGER,
    "rateLimits" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Identity_tenantId_externalId_key" ON "Identity"("tenantId", "externalId");

-- CreateIndex
CREATE INDEX "ApiKey_identityId_idx" ON "ApiKey"("identityId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
