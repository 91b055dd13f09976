-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "rotationGraceSeconds" INTEGER,
ADD COLUMN     "rotationWaitUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RevealLink" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secretVersion" INTEGER NOT NULL,
    "salt" TEXT,
    "iv" TEXT,
    "ciphertext" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revealedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RevealLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RevealLink_tokenHash_key" ON "RevealLink"("tokenHash");

-- CreateIndex
CREATE INDEX "RevealLink_tenantId_apiKeyId_idx" ON "RevealLink"("tenantId", "apiKeyId");

-- AddForeignKey
ALTER TABLE "RevealLink" ADD CONSTRAINT "RevealLink_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
