-- AlterTable
ALTER TABLE "Group" ADD COLUMN     "keyCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Identity" ADD COLUMN     "keyCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "apiKeyCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Role" ADD COLUMN     "memberCount" INTEGER NOT NULL DEFAULT 0;

-- Stored counts: a group's, an identity's and an owner's keys (revoked ones included), a role's
-- members. Lists read them as columns instead of counting up to every key of the tenant per page.
-- Kept exact by the triggers below, in the transaction of the write that changes them (so a
-- rollback undoes both): INSERT and DELETE per statement, grouped per parent (a bulk insert
-- updates each parent once); UPDATE per row, only when the parent column changes. A parent's row
-- is locked from the write until commit; the app never writes these columns (the guard refuses).

CREATE FUNCTION "ApiKey_counts_insert_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  -- Parents in the order every writer locks them: the owner first (the one most writers share,
  -- so a transaction creating keys in several groups cannot deadlock with another of the same
  -- owner), then groups, then identities.
  UPDATE "Member" AS p SET "apiKeyCount" = p."apiKeyCount" + sign * d.n
    FROM (SELECT "ownerId" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS d
    WHERE p.id = d.id;
  UPDATE "Group" AS p SET "keyCount" = p."keyCount" + sign * d.n
    FROM (SELECT "groupId" AS id, count(*)::integer AS n FROM changed WHERE "groupId" IS NOT NULL GROUP BY 1) AS d
    WHERE p.id = d.id;
  UPDATE "Identity" AS p SET "keyCount" = p."keyCount" + sign * d.n
    FROM (SELECT "identityId" AS id, count(*)::integer AS n FROM changed WHERE "identityId" IS NOT NULL GROUP BY 1) AS d
    WHERE p.id = d.id;
  RETURN NULL;
END $$;

CREATE FUNCTION "ApiKey_counts_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The same order as above; one statement per parent table touching both rows.
  IF OLD."ownerId" IS DISTINCT FROM NEW."ownerId" THEN
    UPDATE "Member" SET "apiKeyCount" = "apiKeyCount" + CASE WHEN id = NEW."ownerId" THEN 1 ELSE -1 END
      WHERE id IN (OLD."ownerId", NEW."ownerId");
  END IF;
  IF OLD."groupId" IS DISTINCT FROM NEW."groupId" THEN
    UPDATE "Group" SET "keyCount" = "keyCount" + CASE WHEN id = NEW."groupId" THEN 1 ELSE -1 END
      WHERE id IN (OLD."groupId", NEW."groupId");
  END IF;
  IF OLD."identityId" IS DISTINCT FROM NEW."identityId" THEN
    UPDATE "Identity" SET "keyCount" = "keyCount" + CASE WHEN id = NEW."identityId" THEN 1 ELSE -1 END
      WHERE id IN (OLD."identityId", NEW."identityId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "ApiKey_counts_insert" AFTER INSERT ON "ApiKey"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "ApiKey_counts_insert_delete"();
CREATE TRIGGER "ApiKey_counts_delete" AFTER DELETE ON "ApiKey"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "ApiKey_counts_insert_delete"();
CREATE TRIGGER "ApiKey_counts_update" AFTER UPDATE OF "groupId", "ownerId", "identityId" ON "ApiKey"
  FOR EACH ROW WHEN (OLD."groupId" IS DISTINCT FROM NEW."groupId" OR OLD."ownerId" IS DISTINCT FROM NEW."ownerId"
    OR OLD."identityId" IS DISTINCT FROM NEW."identityId")
  EXECUTE FUNCTION "ApiKey_counts_update"();

CREATE FUNCTION "Member_counts_insert_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Role" AS p SET "memberCount" = p."memberCount" + CASE TG_OP WHEN 'INSERT' THEN d.n ELSE -d.n END
    FROM (SELECT "roleId" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS d
    WHERE p.id = d.id;
  RETURN NULL;
END $$;

CREATE FUNCTION "Member_counts_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Role" SET "memberCount" = "memberCount" + CASE WHEN id = NEW."roleId" THEN 1 ELSE -1 END
    WHERE id IN (OLD."roleId", NEW."roleId");
  RETURN NULL;
END $$;

CREATE TRIGGER "Member_counts_insert" AFTER INSERT ON "Member"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "Member_counts_insert_delete"();
CREATE TRIGGER "Member_counts_delete" AFTER DELETE ON "Member"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "Member_counts_insert_delete"();
CREATE TRIGGER "Member_counts_update" AFTER UPDATE OF "roleId" ON "Member"
  FOR EACH ROW WHEN (OLD."roleId" IS DISTINCT FROM NEW."roleId")
  EXECUTE FUNCTION "Member_counts_update"();

-- The counts of the rows already there.
UPDATE "Group" AS p SET "keyCount" = d.n
  FROM (SELECT "groupId" AS id, count(*)::integer AS n FROM "ApiKey" WHERE "groupId" IS NOT NULL GROUP BY 1) AS d WHERE p.id = d.id;
UPDATE "Member" AS p SET "apiKeyCount" = d.n
  FROM (SELECT "ownerId" AS id, count(*)::integer AS n FROM "ApiKey" GROUP BY 1) AS d WHERE p.id = d.id;
UPDATE "Identity" AS p SET "keyCount" = d.n
  FROM (SELECT "identityId" AS id, count(*)::integer AS n FROM "ApiKey" WHERE "identityId" IS NOT NULL GROUP BY 1) AS d WHERE p.id = d.id;
UPDATE "Role" AS p SET "memberCount" = d.n
  FROM (SELECT "roleId" AS id, count(*)::integer AS n FROM "Member" GROUP BY 1) AS d WHERE p.id = d.id;

-- The app cannot write a count: a new row starts at 0, and only the triggers above (a nested
-- trigger, depth > 1) change one. TG_ARGV[0] names the table's count column.
CREATE FUNCTION "stored_count_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'INSERT' AND (to_jsonb(NEW) -> TG_ARGV[0])::integer <> 0)
     OR (TG_OP = 'UPDATE' AND pg_trigger_depth() = 1 AND (to_jsonb(NEW) -> TG_ARGV[0]) IS DISTINCT FROM (to_jsonb(OLD) -> TG_ARGV[0])) THEN
    RAISE EXCEPTION '%.% is kept by the database and cannot be written', TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Group_keyCount_guard" BEFORE INSERT OR UPDATE OF "keyCount" ON "Group" FOR EACH ROW EXECUTE FUNCTION "stored_count_guard"('keyCount');
CREATE TRIGGER "Identity_keyCount_guard" BEFORE INSERT OR UPDATE OF "keyCount" ON "Identity" FOR EACH ROW EXECUTE FUNCTION "stored_count_guard"('keyCount');
CREATE TRIGGER "Member_apiKeyCount_guard" BEFORE INSERT OR UPDATE OF "apiKeyCount" ON "Member" FOR EACH ROW EXECUTE FUNCTION "stored_count_guard"('apiKeyCount');
CREATE TRIGGER "Role_memberCount_guard" BEFORE INSERT OR UPDATE OF "memberCount" ON "Role" FOR EACH ROW EXECUTE FUNCTION "stored_count_guard"('memberCount');
