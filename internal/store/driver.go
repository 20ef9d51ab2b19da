package store

import (
	"database/sql"

	"github.com/mattn/go-sqlite3"

	"github.com/litmuslabs/litmus/internal/email"
)

// driverName is the SQLite driver every Store connection uses: mattn/go-sqlite3 with
// litmus_email_key(text) registered, so migrations can compute email.Key in SQL (0005
// fills signups.email_key with it). Go computes the same Key for new signups, so the two
// never disagree.
const driverName = "sqlite3_litmus"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			return c.RegisterFunc("litmus_email_key", email.Key, true)
		},
	})
}
