-- The decision record (issue 12): the first time a phase's verdict reached "validated" or
-- "invalidated", and the first time its sample-ratio check raised the alarm, with the numbers
-- at that moment. At most one row per (phase, what): the first is kept, later ones ignored,
-- so a later look never silently takes a decision back. A new phase starts with none.
CREATE TABLE decisions (
    phase_id   INTEGER NOT NULL REFERENCES phases (id),
    what       TEXT    NOT NULL CHECK (what IN ('verdict', 'srm')),
    kind       TEXT    NOT NULL CHECK (kind IN ('validated', 'invalidated', 'srm')),
    decided_at INTEGER NOT NULL,
    visitors   INTEGER NOT NULL CHECK (visitors >= 0),
    signups    INTEGER NOT NULL CHECK (signups >= 0 AND signups <= visitors),
    ci_low     REAL    NOT NULL,
    ci_high    REAL    NOT NULL,
    PRIMARY KEY (phase_id, what)
) STRICT;
