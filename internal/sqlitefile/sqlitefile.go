// Package sqlitefile opens the durable SQLite files balcão keeps personal data in (the outbox, the drafts, the
// access record and its fleet queue): created 0600 — their WAL and shared memory too, since SQLite gives those
// the database file's mode —, in WAL mode with synchronous=FULL (a committed write survives kill -9 and power
// loss), with a busy timeout for the other processes sharing the file and write transactions that take the
// file's write lock at BEGIN.
package sqlitefile

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// busyTimeout is how long a write waits for another process's write lock, in milliseconds.
const busyTimeout = 15000

// Open opens the file at path (creating it 0600 when missing) with at most conns connections.
func Open(path string, conns int) (*sql.DB, error) {
	if err := Private(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	return db, nil
}

// Private creates path with mode 0600 when missing, and takes the file, its WAL and its shared memory back to
// 0600 when others may read them.
func Private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}
