package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// applicationID marks a SQLite file as Litmus's ('LtMs' in the header's application_id,
// set by migration 0005), so Open can tell its own files from another program's.
const applicationID = 0x4C744D73

// checkFile looks at the database file before SQLite opens it for writing, and refuses what
// SQLite would otherwise half-handle: another program's database (which Litmus would take
// over, adding its tables and switching it to WAL), a file or directory it cannot write
// (which SQLite reports only at the first write, leaving -wal and -shm files behind), and
// a file cut short (which SQLite calls "malformed"). Each message names the problem and
// what to do. An empty file (new) passes.
func checkFile(ctx context.Context, abs string) error {
	if err := checkWritable(abs); err != nil {
		return err
	}
	if err := checkSpace(abs); err != nil {
		return err
	}
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		return nil
	}
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("%s is not a Litmus database; point LITMUS_DB at another file (this one is not a SQLite file at all)", abs)
	}
	if err := checkLength(abs, h[:], info.Size()); err != nil {
		return err
	}
	switch id := binary.BigEndian.Uint32(h[68:72]); id {
	case applicationID:
		return nil
	case 0: // a file made before 0.2, or by a program that sets no id: look at its tables
		return checkTables(ctx, abs)
	default:
		return fmt.Errorf("%s belongs to another program (its SQLite application_id is %#x, Litmus's is %#x); "+
			"Litmus left it untouched: point LITMUS_DB at a new file such as data/litmus.db", abs, id, applicationID)
	}
}

// checkSpace refuses to open the database on a full disk. SQLite maps its WAL index (the
// -shm file) into memory; the first connection truncates it and grows it by writing one
// byte at the end of each 4 KiB memory page. On a file system with blocks smaller than a
// page (ext4 made with 1 KiB blocks) that allocates one block of each page and leaves the
// rest as holes; the first store into a hole through the mapping needs a block the full disk
// does not have, and the kernel kills the process with SIGBUS. Litmus cannot catch a fault
// in SQLite's C code, so it checks for room first and says what is wrong.
func checkSpace(abs string) error {
	var st syscall.Statfs_t
	dir := filepath.Dir(abs)
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil // no answer: let SQLite try
	}
	if free := st.Bavail * uint64(st.Bsize); free < MinFreeBytes {
		return fmt.Errorf("the disk holding %s is full (%d bytes free, Litmus needs at least %d to open the database safely): "+
			"free some space there (old backups and logs are the usual cause) or grow the volume, then start Litmus again",
			abs, free, MinFreeBytes)
	}
	return nil
}

// checkWritable refuses a read-only file or directory up front. SQLite needs to write the
// file and to create litmus.db-wal and litmus.db-shm beside it.
func checkWritable(abs string) error {
	const wOK = 2
	dir := filepath.Dir(abs)
	if err := syscall.Access(dir, wOK); err != nil {
		return fmt.Errorf("the directory %s is not writable (%v): Litmus creates %s-wal and %s-shm there. "+
			"Make the directory writable by the user Litmus runs as, or point LITMUS_DB at a file in a writable directory",
			dir, describe(err), filepath.Base(abs), filepath.Base(abs))
	}
	if err := syscall.Access(abs, wOK); err != nil {
		return fmt.Errorf("%s is read-only (%v): Litmus writes every signup to it. "+
			"Make it writable by the user Litmus runs as (for example chmod u+w), or point LITMUS_DB at another file", abs, describe(err))
	}
	return nil
}

func describe(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "the file system is mounted read-only"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return "permission denied"
	}
	return err.Error()
}

// checkLength refuses a file shorter than its header says, unless a -wal file exists (a
// checkpoint interrupted by a crash can leave that, and SQLite repairs it from the WAL).
func checkLength(abs string, h []byte, size int64) error {
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	valid := binary.BigEndian.Uint32(h[24:28]) == binary.BigEndian.Uint32(h[92:96])
	if !valid || pageSize < 512 || pages == 0 {
		return nil // the header's size is not kept up to date by old writers; let SQLite judge
	}
	if want := pages * pageSize; size < want {
		if wal, err := os.Stat(abs + "-wal"); err == nil && wal.Size() > 0 {
			return nil
		}
		return fmt.Errorf("%s is cut short: it is %d bytes but its header says %d (a copy that did not finish, or a disk that filled). "+
			"Restore your latest backup with `litmus restore BACKUP`, or point LITMUS_DB at another file; keep this one aside for recovery",
			abs, size, want)
	}
	return nil
}

// checkTables refuses a file with tables Litmus's migrations did not create. The expected
// tables are found by applying the embedded migrations up to the file's user_version to an
// empty in-memory database, so this stays right as migrations are added.
func checkTables(ctx context.Context, abs string) error {
	db, err := sql.Open(driverName, fileURI(abs, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	have, err := tableNames(ctx, db)
	if err != nil {
		return err
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if len(have) == 0 {
		return nil // an empty SQLite file: nothing of anyone's to take over
	}
	list, err := loadMigrations()
	if err != nil {
		return err
	}
	if version > len(list) {
		return nil // a newer Litmus's file: migrate says so
	}
	want, err := migratedTables(ctx, list[:version])
	if err != nil {
		return err
	}
	var extra []string
	for _, t := range have {
		if !slices.Contains(want, t) {
			extra = append(extra, t)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	if len(extra) > 5 {
		extra = append(extra[:5], "…")
	}
	return fmt.Errorf("%s holds tables Litmus did not create (%s): it is another program's database. "+
		"Litmus left it untouched: point LITMUS_DB at a new file such as data/litmus.db", abs, strings.Join(extra, ", "))
}

func migratedTables(ctx context.Context, list []migration) ([]string, error) {
	mem, err := sql.Open(driverName, ":memory:")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1) // one connection: each :memory: connection is its own database
	for _, m := range list {
		if _, err := mem.ExecContext(ctx, m.sql); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return tableNames(ctx, mem)
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// sidecars are the -wal and -shm files that did not exist before Open, removed again if Open
// fails so a refused start leaves the directory as it was. Only an empty -wal is removed,
// and the -shm only once no -wal is left: a WAL with content, or the -shm of a WAL another
// process may be using, is never touched.
type sidecars []string

func absentSidecars(abs string) sidecars {
	var absent sidecars
	for _, p := range []string{abs + "-wal", abs + "-shm"} {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			absent = append(absent, p)
		}
	}
	return absent
}

func (s sidecars) remove() {
	for _, p := range s {
		if strings.HasSuffix(p, "-wal") {
			if info, err := os.Lstat(p); err == nil && info.Size() == 0 {
				os.Remove(p) //nolint:errcheck // best effort
			}
			continue
		}
		wal := strings.TrimSuffix(p, "-shm") + "-wal"
		if _, err := os.Lstat(wal); errors.Is(err, os.ErrNotExist) {
			os.Remove(p) //nolint:errcheck // best effort
		}
	}
}
