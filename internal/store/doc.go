// Package store keeps everything Litmus must remember in one SQLite file: experiment
// phases, exposures (a visitor's first view of a page in a phase), signups, the daily
// counts the results are read from, and the bots that were served but not counted.
// It is the only package that imports the SQLite driver.
//
// A signup acknowledged is a signup kept. One goroutine, the writer, owns the only write
// connection. Every write is queued to it; it takes what is queued (up to Options.MaxBatch)
// and commits it in one transaction (group commit), with synchronous=FULL, so one fsync
// covers many writes. InsertSignup returns only after the transaction holding the signup
// committed, so:
//
//   - An acknowledged signup is never lost, not even by a crash or kill -9 straight after.
//   - Exposures and filtered counts are fire-and-forget: they may wait up to
//     Options.FlushInterval (100 ms by default) to share a commit, plus the time to commit
//     whatever was queued before them. That much can be lost by a crash or kill -9; nothing
//     is lost by a clean Close, which commits everything queued.
//
// Each waited-for write (signup, phase, erasure) runs inside its own savepoint, so a row the
// database refuses fails only its own caller; the rest of the batch still commits. If the
// whole transaction fails (disk full, the file locked by another program for longer than
// the busy timeout) every waiting caller gets the error and the fire-and-forget writes in it
// are counted in Dropped; nothing is acknowledged that was not committed.
//
// Counting rules, so the numbers are honest: a visitor counts once per phase (first view);
// an email (by email.Key, so every spelling of one address is one person) is stored once per
// page (its first signup's fields), and signs up at most once per phase: signing up again in a
// later phase is a signup of that phase (repeat_signups), so each phase's rate counts everyone
// it convinced; a signup is counted in the conversion rate only if its visitor was exposed in that phase and had not converted before, and it is credited to the
// variant that visitor was assigned. The numerator is therefore always a subset of the
// denominator, per variant. Daily and per-source totals are maintained in the same
// transaction, so results stay fast however many visitors there are.
//
// Reads use a separate pool of read-only connections on the same file (WAL mode lets them
// run alongside the writer). No IP address is ever stored.
package store
