package audit

import (
	"context"
	"time"
)

// Store keeps the lines of an access record: an SQLite file (SQLite), PostgreSQL in fleet mode (Postgres), or a
// local queue shipped to PostgreSQL (Shipper). Log groups the writes and checks the chain over any of them.
type Store interface {
	// Append chains group to the record's head (see Chain) and stores it, all or nothing, under the store's write
	// lock, so several processes sharing the store write one chain.
	Append(ctx context.Context, group []Entry) error
	// Index brings the chaveUnica index up to the last line written.
	Index(ctx context.Context) error
	// Who lists the lines that touched chave's data since `since` (all when zero), oldest first.
	Who(ctx context.Context, chave string, since time.Time) ([]Entry, error)
	// Walk calls start with the chain's anchor (the last purged line, or 0 and the genesis), then each with every
	// line in order, all read from one snapshot; an error of each stops it.
	Walk(ctx context.Context, start func(seq int64, hash string), each func(Entry) error) error
	// Purge drops the lines older than before; the last one dropped becomes the anchor. It returns how many.
	Purge(ctx context.Context, before time.Time) (int, error)
	// Close releases the store.
	Close() error
}
