-- Key search's trigram indexes take each new key at once (fastupdate off), instead of collecting
-- new keys in a pending list that every search scans whole until a vacuum merges it: after a burst
-- of created keys, a rare term's search spent most of its time in that list. Creating a key costs a
-- little more (its trigrams go into the index in its own transaction); argon2 dominates it anyway.
ALTER INDEX "ApiKey_name_trgm_idx" SET (fastupdate = off);
ALTER INDEX "ApiKey_description_trgm_idx" SET (fastupdate = off);
ALTER INDEX "ApiKey_publicId_trgm_idx" SET (fastupdate = off);

-- What is pending already goes into the indexes now.
SELECT gin_clean_pending_list('"ApiKey_name_trgm_idx"');
SELECT gin_clean_pending_list('"ApiKey_description_trgm_idx"');
SELECT gin_clean_pending_list('"ApiKey_publicId_trgm_idx"');
