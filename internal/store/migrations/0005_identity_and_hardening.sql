-- 0005 (issue 14): email identity by email.Key, the erasure record, and the file's owner.
--
-- One signup per person per page: email_key is email.Key(email) (NFKC_Casefold, see
-- internal/email/doc.go), computed by the Go function litmus_email_key that the store
-- registers on its connections. Until now only ASCII case was folded (COLLATE NOCASE), so
-- 'émile@x.com' and 'ÉMILE@x.com' could both be stored; those are merged here.
ALTER TABLE signups ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
UPDATE signups SET email_key = litmus_email_key(email);

-- A merge keeps the person's first signup (lowest id) and deletes the later ones. The
-- aggregate counts are left as they were reported, as for an erasure; this table says
-- what was merged into what, without the deleted row's address.
CREATE TABLE signup_merges (
    merged_id  INTEGER PRIMARY KEY, -- the deleted signup's id
    kept_id    INTEGER NOT NULL,    -- the first signup of the same person on the page
    page       TEXT    NOT NULL,
    counted    INTEGER NOT NULL,    -- whether the deleted signup was in the conversion rate
    created_at INTEGER NOT NULL,    -- when the deleted signup was made
    merged_at  INTEGER NOT NULL
) STRICT;

INSERT INTO signup_merges (merged_id, kept_id, page, counted, created_at, merged_at)
SELECT s.id, f.first_id, s.page, s.counted, s.created_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM signups s
JOIN (SELECT page, email_key, min(id) AS first_id FROM signups GROUP BY page, email_key) f
  ON f.page = s.page AND f.email_key = s.email_key
WHERE s.id <> f.first_id;

-- A merged signup made in a later phase than the kept one is what 0004 calls a repeat
-- signup: it becomes one of the kept signup's, so that phase still lists the person. The
-- merged signup's own repeat signups move to the kept one likewise.
INSERT OR IGNORE INTO repeat_signups (phase_id, signup_id, visitor_id, variant, created_at, counted)
SELECT s.phase_id, m.kept_id, s.visitor_id, s.variant, s.created_at, s.counted
FROM signup_merges m
JOIN signups s ON s.id = m.merged_id
JOIN signups k ON k.id = m.kept_id
WHERE s.phase_id <> k.phase_id
ORDER BY s.id;

UPDATE OR IGNORE repeat_signups
SET signup_id = (SELECT kept_id FROM signup_merges WHERE merged_id = repeat_signups.signup_id)
WHERE signup_id IN (SELECT merged_id FROM signup_merges)
  AND phase_id <> (SELECT k.phase_id FROM signup_merges m JOIN signups k ON k.id = m.kept_id
                   WHERE m.merged_id = repeat_signups.signup_id);

DELETE FROM signups WHERE id IN (SELECT merged_id FROM signup_merges);

CREATE UNIQUE INDEX signups_by_page_key ON signups (page, email_key);
CREATE INDEX signups_by_email_key ON signups (email_key);

-- Erased people, so a restore of an older backup can erase them again. key_hash is
-- HMAC-SHA256(erasure key, email.Key(address)), the key kept in settings: the record
-- holds no address in clear and cannot be checked against a list of addresses without
-- the database.
CREATE TABLE erasures (
    key_hash  BLOB    PRIMARY KEY,
    erased_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- 'LtMs': marks the file as Litmus's, so Open can refuse another program's database.
PRAGMA application_id = 1282690419;
