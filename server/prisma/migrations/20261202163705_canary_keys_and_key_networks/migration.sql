-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "canary" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "KeyNetwork" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "lastAddress" TEXT NOT NULL,
    "episode" TEXT NOT NULL,

    CONSTRAINT "KeyNetwork_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KeyNetwork_tenantId_idx" ON "KeyNetwork"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "KeyNetwork_apiKeyId_network_key" ON "KeyNetwork"("apiKeyId", "network");

-- CreateIndex
CREATE INDEX "ApiKey_canary_publicId_idx" ON "ApiKey"("canary", "publicId");

-- AddForeignKey
ALTER TABLE "KeyNetwork" ADD CONSTRAINT "KeyNetwork_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
