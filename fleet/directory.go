package fleet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/pgsql"
)

// The directory's records live in PostgreSQL one generation at a time: each publication (an import, a
// migration) copies every beneficiary into a table of its own, directory_records_<n>, and then, in one
// transaction, makes it current in directory_state and notifies every instance (NOTIFY balcao_directory). An
// instance rebuilds its in-memory index from the current table into its local file; the table before it is kept
// while instances may still be reading it, older ones are dropped.

// DirectoryChannel is the NOTIFY channel of a new generation (the payload is its number).
const DirectoryChannel = "balcao_directory"

// directorySchema versions directory_state (part "directory" of balcao_schema).
var directorySchema = []pgsql.Step{
	{To: 1, Name: "directory_state", Apply: pgsql.Exec(`
CREATE TABLE directory_state (
	one           boolean     PRIMARY KEY DEFAULT true CHECK (one),
	generation    bigint      NOT NULL,
	id            text        NOT NULL,
	records       text        NOT NULL,
	beneficiaries bigint      NOT NULL,
	published_at  timestamptz NOT NULL,
	source        text        NOT NULL
);`)},
}

// recordColumns are the columns of a generation's table, in the order they are copied and read. contracts holds
// each contract as number, US (0x1f), description, the contracts separated by RS (0x1e): one text reads several
// times faster than two arrays, and a refresh reads a million of them.
var recordColumns = []string{"chave_unica", "card", "cpf", "name", "birth_date", "rg", "matricula", "mother_name",
	"phone", "email", "situation", "contracts"}

// Separators of the contracts column.
const (
	contractSep = "\x1e"
	fieldSep    = "\x1f"
)

// Generation is one published content of the shared directory.
type Generation struct {
	Number        int64
	ID            string // random: tells generations of different databases apart
	Table         string
	Beneficiaries int64
	PublishedAt   time.Time
	Source        string // what was published: the file's name and the machine
}

// CurrentGeneration reads the current generation; ok is false when none was published yet.
func CurrentGeneration(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (g Generation, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT generation, id, records, beneficiaries, published_at, source FROM directory_state`).
		Scan(&g.Number, &g.ID, &g.Table, &g.Beneficiaries, &g.PublishedAt, &g.Source)
	if errors.Is(err, pgx.ErrNoRows) {
		return Generation{}, false, nil
	}
	if err != nil {
		return Generation{}, false, fmt.Errorf("directory generation: %w", err)
	}
	return g, true, nil
}

// ImportLock is held by one publisher at a time (an import reads the current generation, merges a file into it
// and publishes the result: two at once would lose one's rows).
type ImportLock struct {
	conn *pgsql.Conn
}

// LockImport waits for and takes the import lock, on a connection of its own.
func LockImport(ctx context.Context, pool *pgsql.Pool) (*ImportLock, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("import lock: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, pgsql.LockSpace, pgsql.LockImport); err != nil {
		conn.Release()
		return nil, fmt.Errorf("import lock: %w", err)
	}
	return &ImportLock{conn: conn}, nil
}

// Unlock gives the lock back.
func (l *ImportLock) Unlock() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1, $2)`, pgsql.LockSpace, pgsql.LockImport); err != nil {
		_ = l.conn.Conn().Close(ctx) // a closed session frees its locks
	}
	l.conn.Release()
}

// Publish copies every beneficiary of src into a new generation's table (COPY, one beneficiary in memory at a
// time) and makes it current, telling every instance. The caller holds the import lock.
func Publish(ctx context.Context, pool *pgsql.Pool, src *directory.Directory, source string) (Generation, error) {
	cur, _, err := CurrentGeneration(ctx, pool)
	if err != nil {
		return Generation{}, err
	}
	g := Generation{Number: cur.Number + 1, ID: randomID(), Source: source}
	g.Table = "directory_records_" + strconv.FormatInt(g.Number, 10)
	if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS `+g.Table+`; CREATE TABLE `+g.Table+` (
		chave_unica text NOT NULL, card text NOT NULL, cpf text NOT NULL, name text NOT NULL,
		birth_date text NOT NULL, rg text NOT NULL, matricula text NOT NULL, mother_name text NOT NULL,
		phone text NOT NULL, email text NOT NULL, situation text NOT NULL, contracts text NOT NULL)`); err != nil {
		return Generation{}, fmt.Errorf("directory publish: %w", err)
	}
	n, err := copyRecords(ctx, pool, g.Table, src)
	if err != nil {
		_, _ = pool.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+g.Table)
		return Generation{}, fmt.Errorf("directory publish: %w", err)
	}
	g.Beneficiaries = n
	err = pgsql.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO directory_state (generation, id, records, beneficiaries, published_at, source)
			VALUES ($1, $2, $3, $4, now(), $5)
			ON CONFLICT (one) DO UPDATE SET generation = excluded.generation, id = excluded.id,
				records = excluded.records, beneficiaries = excluded.beneficiaries, published_at = now(),
				source = excluded.source
			RETURNING published_at`, g.Number, g.ID, g.Table, g.Beneficiaries, g.Source).Scan(&g.PublishedAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, DirectoryChannel, strconv.FormatInt(g.Number, 10))
		return err
	})
	if err != nil {
		return Generation{}, fmt.Errorf("directory publish: %w", err)
	}
	dropOldGenerations(ctx, pool, g.Number)
	return g, nil
}

// copyRecords streams src's beneficiaries into table through COPY and returns how many it copied.
func copyRecords(ctx context.Context, pool *pgsql.Pool, table string, src *directory.Directory) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows := make(chan model.Beneficiary, 1024)
	errc := make(chan error, 1)
	go func() {
		defer close(rows)
		errc <- src.Each(ctx, func(b model.Beneficiary) error {
			select {
			case rows <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n, err := pool.CopyFrom(ctx, pgx.Identifier{table}, recordColumns, &beneficiarySource{rows: rows})
	cancel()
	for range rows { // let Each finish if COPY stopped first
	}
	if eachErr := <-errc; err == nil && eachErr != nil {
		err = eachErr
	}
	return n, err
}

// beneficiarySource feeds COPY from a channel of beneficiaries.
type beneficiarySource struct {
	rows <-chan model.Beneficiary
	cur  model.Beneficiary
}

func (s *beneficiarySource) Next() bool {
	b, ok := <-s.rows
	s.cur = b
	return ok
}

func (s *beneficiarySource) Values() ([]any, error) {
	b := &s.cur
	var cs strings.Builder
	for i, c := range b.Contracts {
		if i > 0 {
			cs.WriteString(contractSep)
		}
		cs.WriteString(c.Number)
		cs.WriteString(fieldSep)
		cs.WriteString(c.Description)
	}
	return []any{b.ChaveUnica, b.Card, b.CPF, b.Name, b.BirthDate, b.RG, b.IDMatricula, b.MotherName, b.Phone,
		b.Email, b.Situation, cs.String()}, nil
}

func (s *beneficiarySource) Err() error { return nil }

// dropOldGenerations drops the tables of generations before the one before current: no instance reads them any
// more. A table some reader still holds is left for the next publication (the drop does not wait for it).
func dropOldGenerations(ctx context.Context, pool *pgsql.Pool, current int64) {
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables
		WHERE schemaname = current_schema() AND tablename LIKE 'directory\_records\_%'`)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		n, err := strconv.ParseInt(strings.TrimPrefix(name, "directory_records_"), 10, 64)
		if err != nil || n >= current-1 {
			continue
		}
		_ = pgsql.InTx(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{name}.Sanitize())
			return err
		})
	}
}

// RebuildReport is what a rebuild read.
type RebuildReport struct {
	Generation Generation
	Read       int           // records read
	Skipped    int           // records without any key (edited by hand?), left out
	ReadTime   time.Duration // reading the records into the builder
	LoadTime   time.Duration // building the new local file and swapping it in
}

// Rebuild reads generation g's records into a new build of dst's local file and swaps it in (directory.Load with
// Replace): searches see the old content until the new one is whole, and never touch PostgreSQL.
func Rebuild(ctx context.Context, pool *pgsql.Pool, g Generation, dst *directory.Directory) (RebuildReport, error) {
	rep := RebuildReport{Generation: g}
	start := time.Now()
	bk, err := dst.NewBuilder()
	if err != nil {
		return rep, fmt.Errorf("directory rebuild %d: %w", g.Number, err)
	}
	defer bk.Close()
	rows, err := pool.Query(ctx, `SELECT `+strings.Join(recordColumns, ", ")+` FROM `+pgx.Identifier{g.Table}.Sanitize())
	if err != nil {
		return rep, fmt.Errorf("directory rebuild %d: %w", g.Number, err)
	}
	var (
		b         model.Beneficiary
		contracts string
	)
	for rows.Next() {
		b = model.Beneficiary{}
		if err := rows.Scan(&b.ChaveUnica, &b.Card, &b.CPF, &b.Name, &b.BirthDate, &b.RG, &b.IDMatricula,
			&b.MotherName, &b.Phone, &b.Email, &b.Situation, &contracts); err != nil {
			rows.Close()
			return rep, fmt.Errorf("directory rebuild %d: %w", g.Number, err)
		}
		rep.Read++
		b.Contracts = parseContracts(contracts)
		if b.ChaveUnica == "" && b.Card == "" { // written by a directory, so normalised: only a hand edit lacks a key
			rep.Skipped++
			continue
		}
		bk.AddNormalized(b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("directory rebuild %d: %w", g.Number, err)
	}
	rep.ReadTime = time.Since(start)
	start = time.Now()
	// The generation was checked when it was imported (--allow-shrink there): here it is only copied.
	if _, err := dst.Load(ctx, bk, directory.LoadOptions{Replace: true, AllowShrink: true}); err != nil {
		return rep, fmt.Errorf("directory rebuild %d: %w", g.Number, err)
	}
	rep.LoadTime = time.Since(start)
	return rep, nil
}

// parseContracts reads the contracts column.
func parseContracts(s string) []model.ContractRef {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, contractSep)
	out := make([]model.ContractRef, len(parts))
	for i, p := range parts {
		out[i].Number, out[i].Description, _ = strings.Cut(p, fieldSep)
	}
	return out
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
