-- 0006: the outbox of webhooks and founder notifications (issue 15).
--
-- One row per message per destination, written in the same transaction as what it reports
-- (a signup acknowledged is a webhook that will be sent). The delivery worker sends the
-- pending rows and records each attempt here; msg_id is the stable webhook-id receivers use
-- to drop a message they already processed (delivery is at least once).
--
-- kind: 'webhook' (signed POST of payload to target), 'notify_url' (a Slack-compatible
-- {"text": ...} POST to target), 'notify_email' (a mail to target; payload holds the text).
-- signup_id: the signup a signup.* event is about. A signup.created row has no payload: it
-- is built from the signups row when sent, so the outbox holds no second copy of anyone's
-- address, and a person forgotten before it went out is never sent (status 'skipped').
-- once_key: set for events that must be sent once per page, phase and destination (a
-- verdict, a split mismatch), so a checker that looks every minute sends one message.
-- email_key: set only on signup.erased rows (their payload names the address): the erased
-- person's email.Key (the identity of 0005), so a later erasure of the same person, however
-- the address is spelled, deletes them once sent; NULL otherwise.
-- The CHECKs are written with OR: SQLite evaluates "x IN ('a', 'b')" in a CHECK by building
-- a small table at every insert, which cost 8 µs of the 21 µs an outbox row took (measured).
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY, -- no AUTOINCREMENT: new ids stay above every kept row, which is all the order needs
    msg_id       TEXT    NOT NULL, -- 'msg_' and 130 random bits: unique without an index
    kind         TEXT    NOT NULL CHECK (kind = 'webhook' OR kind = 'notify_url' OR kind = 'notify_email'),
    target       TEXT    NOT NULL,
    page         TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    payload      BLOB,
    signup_id    INTEGER,
    once_key     TEXT,
    email_key    TEXT,
    created_at   INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'delivered' OR status = 'failed' OR status = 'skipped'),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    retry_from   INTEGER NOT NULL, -- created_at, or when "send again" was pressed: retries last 24 h from here
    last_at      INTEGER,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Every index here costs each signup's transaction, so there are two, both partial: the
-- worker reads pending rows oldest first (delivered rows, the bulk of the table, are not in
-- it), and once_key is unique where set (signup events have none). Erasures, which look
-- rows up by email_key or signup_id, are rare enough to scan.
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
CREATE UNIQUE INDEX outbox_once ON outbox (once_key) WHERE once_key IS NOT NULL;
