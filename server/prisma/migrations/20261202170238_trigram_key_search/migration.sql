-- Key search (ILIKE '%term%' on name, description and public id) served by trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "ApiKey_name_trgm_idx" ON "ApiKey" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ApiKey_description_trgm_idx" ON "ApiKey" USING GIN ("description" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ApiKey_publicId_trgm_idx" ON "ApiKey" USING GIN ("publicId" gin_trgm_ops);
