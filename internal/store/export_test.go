package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
)

// MigrateTo makes the file at path a database as a Litmus whose newest migration was version
// left it (version 2 is 0.1), from the real migrations: tests of upgrades start from it.
func MigrateTo(path string, version int) error {
	list, err := loadMigrations()
	if err != nil {
		return err
	}
	if version < 1 || version > len(list) {
		return fmt.Errorf("no migration %d", version)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	db, err := sql.Open(driverName, fileURI(abs, "_foreign_keys=on"))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range list[:version] {
		if err := applyMigration(context.Background(), db, m); err != nil {
			return err
		}
	}
	return db.Close()
}
