// Package litefs lets Litmus run on more than one machine on LiteFS
// (github.com/superfly/litefs), which replicates the SQLite file from one primary to
// replicas through a FUSE mount. It reads what LiteFS shows on the mount (mount.go) and
// carries what a replica cannot do itself to the primary over the internal port:
//
//   - role: LiteFS makes the mount's root read-only on a replica (whose ".primary" file
//     names the primary); only the primary migrates, writes and creates the secret.
//   - confirm.go: the primary acknowledges a signup only once a replica that may become
//     primary reports (report.go) a LiteFS position (TXID) at or past the signup's commit,
//     within a bound; otherwise
//     the visitor gets the 503 with the input kept, so no acknowledged signup lives on the
//     primary alone. LiteFS replicates asynchronously: without this wait, a signup
//     committed just before the primary died could vanish on failover.
//   - ship.go: a replica sends its visitors' exposures to the primary in batches, from a
//     bounded buffer that rides out a failover; what overflows is counted as dropped.
//   - address.go: the primary records in the database how the others reach it, and the
//     token that authenticates the internal endpoints is derived from the installation's
//     secret, which LiteFS already copies to every node.
//
// The signup form itself is forwarded by the HTTP layer (handlers.Forwarder): a
// fly-replay header on Fly.io, a direct proxy to the primary elsewhere.
package litefs
