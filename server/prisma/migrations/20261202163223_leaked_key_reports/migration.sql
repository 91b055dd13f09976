-- CreateEnum
CREATE TYPE "LeakedKeyPolicy" AS ENUM ('REVOKE', 'DISABLE', 'NOTIFY');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "leakedKeyPolicy" "LeakedKeyPolicy" NOT NULL DEFAULT 'REVOKE';

-- CreateTable
CREATE TABLE "KeyLeakReport" (
    "tenantId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "url" TEXT,
    "policy" "LeakedKeyPolicy" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeyLeakReport_pkey" PRIMARY KEY ("apiKeyId","fingerprint")
);

-- CreateIndex
CREATE INDEX "KeyLeakReport_tenantId_idx" ON "KeyLeakReport"("tenantId");

-- AddForeignKey
ALTER TABLE "KeyLeakReport" ADD CONSTRAINT "KeyLeakReport_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyLeakReport" ADD CONSTRAINT "KeyLeakReport_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
