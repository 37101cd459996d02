package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/pgsql"
)

// DefaultPoll is how often an instance asks for the directory's generation when no notification comes (a
// notification sent while its connection was down is lost; this is the fallback).
const DefaultPoll = 30 * time.Second

// Refresher keeps an instance's local directory at the shared directory's current generation: it hears new
// generations (LISTEN, and a poll as the fallback) and brings the local file to them — downloading the files the
// importer built, or rebuilding from the records when it cannot use them — while the old content keeps serving. The generation the local file holds is written next to it (Marker), so a restart that
// finds it current starts at once.
type Refresher struct {
	pool   *pgsql.Pool
	dir    *directory.Directory
	marker string
	poll   time.Duration
	log    *slog.Logger
	kick   chan struct{}

	mu      sync.Mutex // guards the fields below; sync holds run, not mu, while it rebuilds
	local   Generation
	last    RebuildReport
	lastErr error
	run     sync.Mutex
}

// MarkerPath is where the generation a local directory file holds is written.
func MarkerPath(dbPath string) string { return dbPath + ".geracao" }

// NewRefresher builds the refresher of dir (whose file is at dir.Path()); poll 0 means DefaultPoll.
func NewRefresher(pool *pgsql.Pool, dir *directory.Directory, poll time.Duration, log *slog.Logger) *Refresher {
	if poll <= 0 {
		poll = DefaultPoll
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Refresher{pool: pool, dir: dir, marker: MarkerPath(dir.Path()), poll: poll, kick: make(chan struct{}, 1),
		log: log.With(slog.String("component", "directory"))}
	r.local, _ = readMarker(r.marker)
	return r
}

// Local is the generation the local file holds (zero before the first rebuild).
func (r *Refresher) Local() Generation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.local
}

// LastRebuild is the last refresh's report (Via says whether the files were downloaded or rebuilt).
func (r *Refresher) LastRebuild() RebuildReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// Sync brings the local file to the shared directory's current generation when it holds another one (from
// the generation's files, or rebuilt from its records: see Refresh); it reports whether it changed the file.
// A generation superseded while it was being fetched gives way to the new one.
func (r *Refresher) Sync(ctx context.Context) (bool, error) {
	r.run.Lock()
	defer r.run.Unlock()
	for tries := 0; ; tries++ {
		g, ok, err := CurrentGeneration(ctx, r.pool)
		if err != nil || !ok {
			r.setErr(err)
			return false, err
		}
		if g.ID == r.Local().ID {
			r.setErr(nil)
			return false, nil
		}
		r.log.Info("directory: bringing the local index to the shared generation", "generation", g.Number,
			"beneficiarios", g.Beneficiaries)
		rep, err := Refresh(ctx, r.pool, g, r.dir, r.log)
		if errors.Is(err, ErrSuperseded) && tries < 3 {
			continue
		}
		if err != nil {
			r.setErr(err)
			return false, err
		}
		r.done(g, rep)
		return true, nil
	}
}

// done notes that the local file holds generation g, as rep brought it.
func (r *Refresher) done(g Generation, rep RebuildReport) {
	if err := writeMarker(r.marker, g); err != nil {
		r.log.Warn("directory: generation marker not written; the next start fetches it again", "err", err)
	}
	r.mu.Lock()
	r.local, r.last, r.lastErr = g, rep, nil
	r.mu.Unlock()
	r.log.Info("directory: local index at the shared generation", "generation", g.Number, "via", rep.Via,
		"fallback", rep.Fallback, "read", rep.Read, "skipped", rep.Skipped, "bytes", rep.Bytes,
		"read_ms", rep.ReadTime.Milliseconds(), "load_ms", rep.LoadTime.Milliseconds())
}

func (r *Refresher) setErr(err error) {
	r.mu.Lock()
	r.lastErr = err
	r.mu.Unlock()
}

// Err is the last check's error (nil when it reached the database).
func (r *Refresher) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// Kick asks for a check now.
func (r *Refresher) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run checks the generation whenever a notification comes, the listening connection (re)opens, or the poll
// interval passes, until ctx ends. A failed rebuild is tried again at the next poll.
func (r *Refresher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		pgsql.Listen(ctx, r.pool, DirectoryChannel, r.Kick, func(string) { r.Kick() }, r.log)
	})
	t := time.NewTicker(r.poll)
	defer func() { t.Stop(); wg.Wait() }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-t.C:
		}
		if _, err := r.Sync(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("directory: shared generation not checked; serving the local index", "err", err)
		}
	}
}

// marker is the file that says which generation a local directory file holds.
type marker struct {
	Generation int64  `json:"geracao"`
	ID         string `json:"id"`
}

func readMarker(path string) (Generation, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Generation{}, nil
	}
	if err != nil {
		return Generation{}, err
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil {
		return Generation{}, fmt.Errorf("generation marker %s: %w", path, err)
	}
	return Generation{Number: m.Generation, ID: m.ID}, nil
}

// writeMarker writes the marker atomically (0600).
func writeMarker(path string, g Generation) error {
	b, _ := json.Marshal(marker{Generation: g.Number, ID: g.ID})
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
