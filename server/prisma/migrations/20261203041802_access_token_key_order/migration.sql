-- A key's live tokens newest first, a page per key: the nested accessTokens connection reads each
-- key's tokens in (apiKeyId, id) order and stops at the page size (liveAccessTokens.ts).
-- DropIndex
DROP INDEX "AccessToken_apiKeyId_idx";

-- CreateIndex
CREATE INDEX "AccessToken_apiKeyId_id_idx" ON "AccessToken"("apiKeyId", "id");
