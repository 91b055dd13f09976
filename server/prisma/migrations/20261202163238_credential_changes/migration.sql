-- CreateTable
CREATE TABLE "CredentialChange" (
    "tenantId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "keyIds" TEXT[],
    "wholeTenant" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CredentialChange_pkey" PRIMARY KEY ("tenantId","seq")
);

-- CreateIndex
CREATE INDEX "CredentialChange_createdAt_idx" ON "CredentialChange"("createdAt");
