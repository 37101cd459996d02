package directory

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/balcao/balcao/directory/index"
)

// A directory is two files: the SQLite database and its name index's base (see indexPath). A directory built on
// one machine can be shipped whole to another (the fleet sends its imports' files through PostgreSQL): Export
// hands out the files as they are, a Receiver takes copies of them into temporary files next to another
// directory — a build's companions, 0600, removed by the next start after a crash — checks them and swaps
// them in with the same one-write restore as a local build.

// Files describes a directory's files, whole: what Export hands out and what a Receiver checks before
// installing copies of them.
type Files struct {
	Version       Version // the layout and ranking the files were written in (see CurrentVersion)
	Base          string  // the generation of the name index's base: the index file is <database>.index-<Base>
	Beneficiaries int
	DB, Index     string // the files' paths (Export)
}

// ErrNotWhole means the directory's database file is not whole on its own: its write-ahead log could not be
// folded into it (another process reads an older state). Export it again once that reader is gone.
var ErrNotWhole = errors.New("directory: the database file is not whole (write-ahead log in use)")

// ErrReceived means files handed to a Receiver do not make the directory they were said to be (another
// beneficiary count or name index base, a broken index file); nothing was installed.
var ErrReceived = errors.New("directory: received files do not match")

// Export calls f with the directory's files, whole: the write-ahead log is first folded into the database file
// (ErrNotWhole when a reader of another process holds it), and no write runs until f returns, so the files
// do not change while f reads them. f must not write to them. A directory created empty (no index file) has
// nothing to export: ErrNotWhole.
func (d *Directory) Export(ctx context.Context, f func(Files) error) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	var busy, logPages, done int
	if err := d.wdb.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("directory export: %w", err)
	}
	if st, err := os.Stat(d.path + "-wal"); busy != 0 || (err == nil && st.Size() > 0) {
		return fmt.Errorf("directory export %s: %w", d.path, ErrNotWhole)
	}
	info, err := Inspect(ctx, d.path)
	if err != nil {
		return fmt.Errorf("directory export: %w", err)
	}
	_, base, err := readGens(ctx, d.rdb)
	if err != nil {
		return fmt.Errorf("directory export: %w", err)
	}
	if base == emptyBase {
		return fmt.Errorf("directory export %s: no name index file: %w", d.path, ErrNotWhole)
	}
	fs := Files{Version: info.Version, Base: base, Beneficiaries: info.Beneficiaries, DB: d.path, Index: indexPath(d.path, base)}
	if _, err := os.Stat(fs.Index); err != nil {
		return fmt.Errorf("directory export: %w: %w", ErrNotWhole, err)
	}
	return f(fs)
}

// Receiver takes copies of another directory's files (see Export) into temporary files next to its directory
// and installs them (Install). Close removes what was not installed; a process killed meanwhile leaves them to
// the next start (see RemoveLeftovers).
type Receiver struct {
	d *Directory
	t *buildTemp
}

// Companion names of a Receiver's files.
const (
	receivedDB    = "received-db"
	receivedIndex = "received-index"
)

// NewReceiver starts receiving files for the directory.
func (d *Directory) NewReceiver() (*Receiver, error) {
	t, err := newBuildTemp(d.path)
	if err != nil {
		return nil, err
	}
	return &Receiver{d: d, t: t}, nil
}

// DB creates the (empty, 0600) file the database is to be copied into.
func (r *Receiver) DB() (*os.File, error) { return r.create(receivedDB) }

// Index creates the (empty, 0600) file the name index is to be copied into.
func (r *Receiver) Index() (*os.File, error) { return r.create(receivedIndex) }

func (r *Receiver) create(name string) (*os.File, error) {
	f, err := r.t.createFile(name)
	if err != nil {
		return nil, fmt.Errorf("directory receive: %w", err)
	}
	return f, nil
}

// Close removes the received files (installed ones are gone already).
func (r *Receiver) Close() { r.t.remove() }

// Install checks the received files against want (the current version — ErrVersion otherwise —, want's
// beneficiary count and name index base, an index file that maps — ErrReceived otherwise) and swaps them in:
// searches see the old directory until the new one is whole, as after a local build (see Load). The files
// must be written and closed; the Receiver is spent.
func (r *Receiver) Install(ctx context.Context, want Files) error {
	db, ix := r.t.path(receivedDB), r.t.path(receivedIndex)
	info, err := Inspect(ctx, db)
	if err != nil {
		return fmt.Errorf("directory receive: %w", err)
	}
	switch {
	case info.Version != CurrentVersion():
		return fmt.Errorf("directory receive: files of version %s, this build reads %s: %w", info.Version, CurrentVersion(), ErrVersion)
	case info.Beneficiaries != want.Beneficiaries:
		return fmt.Errorf("directory receive: %d beneficiaries, want %d: %w", info.Beneficiaries, want.Beneficiaries, ErrReceived)
	}
	if base := currentBase(db); base != want.Base {
		return fmt.Errorf("directory receive: name index base %q, want %q: %w", base, want.Base, ErrReceived)
	}
	if _, err := index.Map(ix, want.Base); err != nil {
		return fmt.Errorf("directory receive: %w: %w", ErrReceived, err)
	}
	d := r.d
	d.wmu.Lock()
	defer d.wmu.Unlock()
	out := &built{db: db, ix: ix, gen: want.Base}
	if err := out.publish(d.path); err != nil {
		return err
	}
	defer out.release()
	if err := d.restoreLocked(ctx, db); err != nil {
		return err
	}
	removeStaleIndexes(d.path, d.log)
	if _, err := d.namesFor(ctx); err != nil { // loaded now rather than by the first search
		d.log.Warn("directory name index not loaded after a receive", "err", err)
	}
	return nil
}
