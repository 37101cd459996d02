package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"

	"github.com/balcao/balcao/model"
)

// failDir is a Directory that cannot be reached: the only way to produce the service's 503 paths.
type failDir struct{ err error }

func (d *failDir) Search(context.Context, model.Query, int) ([]model.Match, error) { return nil, d.err }
func (d *failDir) Count(context.Context) (int, error)                              { return 0, d.err }
func (d *failDir) Ping(context.Context) error                                      { return d.err }

// slowDir wraps a real directory and blocks every Search until release is closed, telling entered when one
// starts: it holds a request in flight for the graceful-shutdown test.
type slowDir struct {
	Directory
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (d *slowDir) Search(ctx context.Context, q model.Query, limit int) ([]model.Match, error) {
	d.once.Do(func() { close(d.entered) })
	<-d.release
	return d.Directory.Search(ctx, q, limit)
}

// panicDir panics on Search: the service must answer 500, not crash.
type panicDir struct{ failDir }

func (panicDir) Search(context.Context, model.Query, int) ([]model.Match, error) {
	panic("directory bug")
}

var errDown = errors.New("sqlite: database is locked at /var/lib/balcao/dir.db")

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
