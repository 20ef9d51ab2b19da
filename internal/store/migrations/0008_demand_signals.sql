-- 0008: deeper demand signals (issue 17): confirmed signups (double opt-in), answers to the
-- thank-you page's questions, and referrals.
--
-- Like 0001, the counts the results read are kept in daily_counts by the writer, in the same
-- transaction as the rows they count, so results never scan visitors or signups.

-- confirmed_at: when the person opened their confirmation link and pressed the button (NULL
-- until then). ref_code: the signup's personal share code, random, never derived from the
-- email. referred_by: the signup whose share link brought this visitor (first touch), copied
-- from the visitor's exposure; not a foreign key, so forgetting the referrer keeps the fact
-- that someone was referred (a number, no personal data).
ALTER TABLE signups ADD COLUMN confirmed_at INTEGER;
ALTER TABLE signups ADD COLUMN ref_code TEXT;
ALTER TABLE signups ADD COLUMN referred_by INTEGER;
CREATE UNIQUE INDEX signups_by_ref_code ON signups (page, ref_code) WHERE ref_code IS NOT NULL;

ALTER TABLE visitors ADD COLUMN referred_by INTEGER;

-- confirmed: counted signups confirmed since (on the day of the signup, so a day's rate
-- compares like with like); referred_*: visitors who arrived through a share link, and the
-- counted signups and confirmations among them (for the verdict without referred visitors).
ALTER TABLE daily_counts ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_counts ADD COLUMN referred_visitors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_counts ADD COLUMN referred_signups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_counts ADD COLUMN referred_confirmed INTEGER NOT NULL DEFAULT 0;

-- One answer per question per signup; answering again replaces it. Deleted with the signup.
CREATE TABLE answers (
    signup_id   INTEGER NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (signup_id, question)
) STRICT, WITHOUT ROWID;

-- The confirmation mails still to send: written in the signup's own transaction, so a crash
-- between the commit and the send loses nothing; the mail worker sends and marks them.
-- The address is read from the signup when sending, so forgetting the signup (ON DELETE
-- CASCADE) also cancels its mail.
CREATE TABLE confirmation_mails (
    signup_id  INTEGER PRIMARY KEY REFERENCES signups (id) ON DELETE CASCADE,
    link_base  TEXT    NOT NULL,  -- scheme://host the link points at
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,  -- not before this time (backoff after a failure)
    sent_at    INTEGER,
    last_error TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX confirmation_mails_due ON confirmation_mails (next_at) WHERE sent_at IS NULL;
