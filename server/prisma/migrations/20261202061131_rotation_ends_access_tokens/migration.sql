-- Which secret of its key each access token was issued from, so that a rotation can end the tokens
-- of the secret it replaces. Existing keys and tokens start at 1: a token issued before this
-- migration counts as issued from its key's current secret.
-- AlterTable
ALTER TABLE "AccessToken" ADD COLUMN     "secretVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "secretVersion" INTEGER NOT NULL DEFAULT 1;
