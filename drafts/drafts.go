// Package drafts keeps the occurrences attendants are typing, so that nothing typed is lost: a crash, a kill -9,
// Ctrl+C or a closed SSH window leaves the form's contents on disk, and the console offers them back the next time
// the attendant opens that beneficiary. A draft is personal data (names, notes): it lives only as long as needed —
// deleted once the occurrence is handed to the outbox or discarded, and purged after a retention when abandoned.
//
// The file (rascunhos.db, next to the outbox) has the outbox's durability: SQLite in WAL mode with
// synchronous=FULL, a commit per save, mode 0600.
package drafts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver

	"github.com/balcao/balcao/internal/sqlitefile"
	"github.com/balcao/balcao/ui/common"
)

// FileName is the drafts file's name, next to the outbox's.
const FileName = "rascunhos.db"

// DefaultRetention is how long an abandoned draft is kept (console.draft_retention).
const DefaultRetention = 7 * 24 * time.Hour

// Store is the drafts file. It is safe for concurrent use.
type Store struct {
	db *sql.DB
}

var _ common.Drafts = (*Store)(nil)

const schema = `CREATE TABLE IF NOT EXISTS drafts (
	attendant  TEXT    NOT NULL,
	key        TEXT    NOT NULL,
	payload    TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	PRIMARY KEY (attendant, key)
)`

// Open opens (creating it 0600 when missing) the drafts file at path.
func Open(path string) (*Store, error) {
	db, err := sqlitefile.Open(path, 1)
	if err != nil {
		return nil, fmt.Errorf("drafts open %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("drafts schema %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Save stores a draft, committed before it returns; a save older (lower Seq) than the one stored is ignored.
func (s *Store) Save(ctx context.Context, d common.Draft) error {
	payload, err := json.Marshal(d.Occurrence)
	if err != nil {
		return fmt.Errorf("drafts save: %w", err)
	}
	if d.Updated.IsZero() {
		d.Updated = time.Now()
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO drafts (attendant, key, payload, updated_at, seq) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (attendant, key) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at,
		seq = excluded.seq WHERE excluded.seq >= drafts.seq`,
		d.Attendant, d.Key, string(payload), d.Updated.UnixNano(), d.Seq)
	if err != nil {
		return fmt.Errorf("drafts save: %w", err)
	}
	return nil
}

// Load returns the attendant's draft for a beneficiary; ok is false when there is none.
func (s *Store) Load(ctx context.Context, attendant, key string) (common.Draft, bool, error) {
	var (
		payload string
		updated int64
		seq     int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT payload, updated_at, seq FROM drafts WHERE attendant = ? AND key = ?`,
		attendant, key).Scan(&payload, &updated, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return common.Draft{}, false, nil
	}
	if err != nil {
		return common.Draft{}, false, fmt.Errorf("drafts load: %w", err)
	}
	d := common.Draft{Attendant: attendant, Key: key, Updated: time.Unix(0, updated), Seq: seq}
	if err := json.Unmarshal([]byte(payload), &d.Occurrence); err != nil {
		return common.Draft{}, false, fmt.Errorf("drafts load: %w", err)
	}
	return d, true, nil
}

// Delete drops the attendant's draft for a beneficiary (sent or discarded).
func (s *Store) Delete(ctx context.Context, attendant, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE attendant = ? AND key = ?`, attendant, key); err != nil {
		return fmt.Errorf("drafts delete: %w", err)
	}
	return nil
}

// Purge drops the drafts not typed in since before: abandoned ones. It returns how many went.
func (s *Store) Purge(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE updated_at < ?`, before.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("drafts purge: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Count is how many drafts the file holds (for balcao info).
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM drafts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("drafts count: %w", err)
	}
	return n, nil
}
