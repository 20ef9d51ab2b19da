-- 0004: the learning log. Every test phase keeps the founder's note about what it taught
-- and what comes next, and a person who signed up in an earlier phase and signs up again
-- in a later one is a conversion of the later phase while the contact is stored once.

ALTER TABLE phases ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE phases ADD COLUMN note_at INTEGER NOT NULL DEFAULT 0;

-- One row per later phase in which an already stored contact signed up again. The signup
-- row (first phase, first fields) stays as it was; counted says whether this repeat is in
-- that phase's conversion rate (the visitor was exposed in the phase and had not converted
-- in it). ON DELETE CASCADE: erasing the contact erases these too.
CREATE TABLE repeat_signups (
    phase_id   INTEGER NOT NULL REFERENCES phases (id),
    signup_id  INTEGER NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    visitor_id TEXT    NOT NULL DEFAULT '',
    variant    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    counted    INTEGER NOT NULL CHECK (counted IN (0, 1)),
    PRIMARY KEY (phase_id, signup_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX repeat_signups_by_signup ON repeat_signups (signup_id);
