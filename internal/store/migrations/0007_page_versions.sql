-- 0007: page versions, the history of every page file (issue 16).
--
-- Every save through the editor or the API, every restore, and every change found on disk
-- when the page files are loaded keeps the file's full text here, with who and when, so any
-- version can be read, compared with the one before, and restored. Consecutive identical
-- texts are stored once (the writer compares hashes). Page files are at most 256 KiB.

CREATE TABLE page_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    page       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX page_versions_by_page ON page_versions (page, id);
