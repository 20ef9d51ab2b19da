-- 0001: the first schema of Litmus.
--
-- Times are unix milliseconds (UTC); days are 'YYYY-MM-DD' in UTC. No IP address is ever
-- stored. daily_counts and source_counts are kept up to date by the writer in the same
-- transaction as the rows they count, so results never scan visitors or signups.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- A phase is one definition of a page (variants, weights, pass bar). Changing the
-- definition after visitors arrived starts a new phase, so old numbers are never mixed
-- with new ones.
CREATE TABLE phases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    page       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    definition TEXT    NOT NULL CHECK (json_valid(definition)),
    started_at INTEGER NOT NULL
) STRICT;

CREATE INDEX phases_by_page ON phases (page, id);

-- One row per exposure: a visitor's first view of a page in a phase, with first-touch
-- attribution. converted_at is set by the visitor's first signup in the phase.
CREATE TABLE visitors (
    phase_id      INTEGER NOT NULL REFERENCES phases (id),
    visitor_id    TEXT    NOT NULL,
    variant       TEXT    NOT NULL,
    first_seen    INTEGER NOT NULL,
    referrer_host TEXT    NOT NULL DEFAULT '',
    utm_source    TEXT    NOT NULL DEFAULT '',
    utm_medium    TEXT    NOT NULL DEFAULT '',
    utm_campaign  TEXT    NOT NULL DEFAULT '',
    utm_term      TEXT    NOT NULL DEFAULT '',
    utm_content   TEXT    NOT NULL DEFAULT '',
    converted_at  INTEGER,
    PRIMARY KEY (phase_id, visitor_id)
) STRICT, WITHOUT ROWID;

-- One row per email per page. counted = 1 when the signup is in the conversion rate's
-- numerator: the visitor was exposed in this phase and had not converted before.
-- AUTOINCREMENT: an id is never reused after ForgetEmail deletes a row.
CREATE TABLE signups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    phase_id      INTEGER NOT NULL REFERENCES phases (id),
    page          TEXT    NOT NULL,
    email         TEXT    NOT NULL COLLATE NOCASE,
    visitor_id    TEXT    NOT NULL DEFAULT '',
    variant       TEXT    NOT NULL,
    fields        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(fields)),
    created_at    INTEGER NOT NULL,
    counted       INTEGER NOT NULL CHECK (counted IN (0, 1)),
    referrer_host TEXT    NOT NULL DEFAULT '',
    utm_source    TEXT    NOT NULL DEFAULT '',
    utm_medium    TEXT    NOT NULL DEFAULT '',
    utm_campaign  TEXT    NOT NULL DEFAULT '',
    utm_term      TEXT    NOT NULL DEFAULT '',
    utm_content   TEXT    NOT NULL DEFAULT '',
    UNIQUE (page, email)
) STRICT;

CREATE INDEX signups_by_page ON signups (page, id);
CREATE INDEX signups_by_email ON signups (email);

CREATE TABLE daily_counts (
    phase_id INTEGER NOT NULL,
    variant  TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    visitors INTEGER NOT NULL DEFAULT 0,
    signups  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (phase_id, variant, day)
) STRICT, WITHOUT ROWID;

-- Visitors and counted signups per first-touch source, for "where did signups come from".
CREATE TABLE source_counts (
    phase_id      INTEGER NOT NULL,
    utm_source    TEXT    NOT NULL,
    utm_campaign  TEXT    NOT NULL,
    referrer_host TEXT    NOT NULL,
    visitors      INTEGER NOT NULL DEFAULT 0,
    signups       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (phase_id, utm_source, utm_campaign, referrer_host)
) STRICT, WITHOUT ROWID;

-- Requests that were served but not counted (bots, prefetches, link previews).
CREATE TABLE filtered (
    page     TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    class    TEXT    NOT NULL,
    agent    TEXT    NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (page, day, class, agent)
) STRICT, WITHOUT ROWID;
