-- CreateEnum
CREATE TYPE "RouteMapDefault" AS ENUM ('DENY', 'ALLOW');

-- CreateTable
CREATE TABLE "RouteMap" (
    "tenantId" TEXT NOT NULL,
    "defaultAction" "RouteMapDefault" NOT NULL DEFAULT 'DENY',
    "routes" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RouteMap_pkey" PRIMARY KEY ("tenantId")
);

-- AddForeignKey
ALTER TABLE "RouteMap" ADD CONSTRAINT "RouteMap_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
