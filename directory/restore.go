package directory

import (
	"context"
	"database/sql"
	"fmt"

	"modernc.org/sqlite"
)

// restoreLocked overwrites the open directory's file with the built file src (see restore); d.wmu is held.
func (d *Directory) restoreLocked(ctx context.Context, src string) error {
	return restore(ctx, d.wdb, d.path, src)
}

// restoreStep is how many pages a restore copies at a time (crash tests make it small).
var restoreStep int32 = 4096

// restore overwrites the file of the writer pool db with the built file src in one write transaction
// (SQLite's online backup, which copies every page, the header's user_version with them): readers — of
// this process or others — see the old directory until it commits. A plain rename would be unsafe here:
// open WAL connections would mix the old WAL with the new file.
func restore(ctx context.Context, db *sql.DB, path, src string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("directory replace: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("driver %T cannot restore", dc)
		}
		bk, err := r.NewRestore(src)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = bk.Step(restoreStep); err != nil {
				_ = bk.Finish()
				return err
			}
			if more {
				hook("restore-step")
			}
		}
		return bk.Finish()
	})
	if err != nil {
		return fmt.Errorf("directory replace %s: %w", path, err)
	}
	// best effort: give the space of the big WAL back once no reader needs the old pages
	_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}
