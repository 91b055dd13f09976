-- Key search's columns keep a 1,000-entry histogram (PostgreSQL's default is 100). The planner
-- estimates how many keys match `%term%` from the share of histogram entries containing the term:
-- with 100 entries, a term in one key in a thousand that happened to be in one entry counted as 1 %
-- of the tenant, so the page walked the tenant's keys in id order filtering each (85 ms at 100,000
-- keys) instead of asking the trigram indexes (0.9 ms). ANALYZE samples more rows for these columns.
ALTER TABLE "ApiKey"
  ALTER COLUMN "name" SET STATISTICS 1000,
  ALTER COLUMN "description" SET STATISTICS 1000,
  ALTER COLUMN "publicId" SET STATISTICS 1000;
