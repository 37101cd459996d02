// Package fleet runs balcão as a fleet on PostgreSQL: many instances (console, serve, ssh) on one database that
// holds the outbox queue, the directory's records (with the directory files each import built), the access
// record and the SSH host key, while each instance keeps searching its own local index, downloaded from those
// files or built from those records. It wires the parts' PostgreSQL stores
// (outbox.Postgres, audit.Postgres), the local fallbacks that keep an instance working while the database is out
// of reach (outbox.Spill, audit.Shipper), the directory's generations and their refresh, the host key, the health
// report, the fleet import and the move of a single machine's files into the database.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/pgsql"
)

// Fleet is an instance's connection to the fleet's database, its schema brought up to date.
type Fleet struct {
	Pool *pgsql.Pool
	URL  string // without its password (for logs and messages)
	log  *slog.Logger

	outbox *outbox.Postgres
	audit  *audit.Postgres
}

// Open connects to url and brings every part's tables up to date (the first instance migrates, the others wait
// for it).
func Open(ctx context.Context, url string, log *slog.Logger) (*Fleet, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pool, err := pgsql.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	f := &Fleet{Pool: pool, URL: pgsql.Redact(url), log: log}
	if err := f.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return f, nil
}

func (f *Fleet) migrate(ctx context.Context) error {
	var err error
	if f.outbox, err = outbox.OpenPostgres(ctx, f.Pool); err != nil {
		return err
	}
	if f.audit, err = audit.OpenPostgres(ctx, f.Pool); err != nil {
		return err
	}
	if _, _, err := pgsql.Migrate(ctx, f.Pool, "directory", directorySchema); err != nil {
		return err
	}
	if _, _, err := pgsql.Migrate(ctx, f.Pool, "ssh", hostKeySchema); err != nil {
		return err
	}
	return nil
}

// Close closes the pool.
func (f *Fleet) Close() error {
	f.Pool.Close()
	return nil
}

// OutboxStore is the shared queue alone (no spill), for commands that must see it as it is.
func (f *Fleet) OutboxStore() *outbox.Postgres { return f.outbox }

// AuditStore is the shared access record alone, for commands that read it (balcao audit).
func (f *Fleet) AuditStore() *audit.Postgres { return f.audit }

// Outbox is an instance's queue: the shared one, with the spill file at spillPath (0600, its directory 0700)
// taking new items while the database is out of reach, drained every two seconds by a goroutine that ends with
// ctx. Closing the queue closes the spill file.
func (f *Fleet) Outbox(ctx context.Context, spillPath string) (*outbox.Queue, *outbox.Spill, error) {
	if err := os.MkdirAll(filepath.Dir(spillPath), 0o700); err != nil {
		return nil, nil, fmt.Errorf("outbox spill %s: %w", spillPath, err)
	}
	local, err := outbox.OpenSQLite(spillPath)
	if err != nil {
		return nil, nil, err
	}
	sp := outbox.NewSpill(f.outbox, local, pgsql.Unavailable, f.log)
	go sp.RunDrain(ctx, 2*time.Second)
	return outbox.NewQueue(sp), sp, nil
}

// Audit is an instance's access record: lines queued at queuePath (0600, its directory 0700) and shipped to the
// shared record by a goroutine that ends with ctx.
func (f *Fleet) Audit(ctx context.Context, queuePath string) (*audit.Log, *audit.Shipper, error) {
	if err := os.MkdirAll(filepath.Dir(queuePath), 0o700); err != nil {
		return nil, nil, fmt.Errorf("audit queue %s: %w", queuePath, err)
	}
	sh, err := audit.OpenShipper(queuePath, f.audit, f.log)
	if err != nil {
		return nil, nil, err
	}
	go sh.Run(ctx)
	return audit.NewLog(sh), sh, nil
}

// ErrNoDirectory means there is no local index and none can be built: the shared directory has no generation
// yet, or the database is out of reach.
var ErrNoDirectory = errors.New("fleet: no directory to serve")

// Directory opens the instance's local index at path and its refresher. An index holding data serves at once
// (the refresher, once running, catches it up in the background); an empty one is first built from the current
// generation, and without one (nothing published yet, or the database out of reach) it fails with
// ErrNoDirectory.
func (f *Fleet) Directory(ctx context.Context, path string, poll time.Duration) (*directory.Directory, *Refresher, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("directory %s: %w", path, err)
	}
	dir, err := directory.Open(ctx, path, directory.Options{Logger: f.log})
	if err != nil {
		return nil, nil, fmt.Errorf("directory %s: %w", path, err)
	}
	r := NewRefresher(f.Pool, dir, poll, f.log)
	n, err := dir.Count(ctx)
	if err != nil {
		_ = dir.Close()
		return nil, nil, err
	}
	if n > 0 {
		return dir, r, nil
	}
	r.local = Generation{} // a marker without its file's content says nothing
	if _, err := r.Sync(ctx); err != nil {
		_ = dir.Close()
		return nil, nil, fmt.Errorf("%w: %w", ErrNoDirectory, err)
	}
	if r.Local().ID == "" {
		_ = dir.Close()
		return nil, nil, ErrNoDirectory
	}
	return dir, r, nil
}
