package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"modernc.org/sqlite"

	"github.com/balcao/balcao/model"
)

// BuildDemo fills a new directory file at path with n beneficiaries from each(i), i = 0..n-1, through the
// bulk path of imports, and swaps it in atomically (a file built next to path, then renamed; an existing
// directory is overwritten in one write, so its readers never see a partial one). Beneficiaries sharing an
// identity are merged.
func BuildDemo(ctx context.Context, path string, n int, each func(i int) model.Beneficiary) error {
	bk := newDirBulk()
	for i := 0; i < n; i++ {
		if i%10_000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := dirNormalize(each(i))
		if err != nil {
			return fmt.Errorf("build demo directory %s: beneficiary %d: %w", path, i, err)
		}
		bk.add(b)
	}
	if err := dirBuildInstall(ctx, path, bk); err != nil {
		return fmt.Errorf("build demo directory %s: %w", path, err)
	}
	return nil
}

// dirBulk gathers normalised beneficiaries in memory, merged by identity, to write a new file in one go.
type dirBulk struct {
	rows []*dirPending
	at   map[dirKey]int
}

func newDirBulk() *dirBulk { return &dirBulk{at: map[dirKey]int{}} }

// add merges b (normalised) into the build and reports whether its identity was already there.
func (bk *dirBulk) add(b model.Beneficiary) bool {
	return bk.addPending(dirPending{key: dirKey{b.ChaveUnica, b.Card}, b: b, rows: 1})
}

// addPending merges p into the build and reports whether its identity was already there.
func (bk *dirBulk) addPending(p dirPending) bool {
	if i, ok := bk.at[p.key]; ok {
		bk.rows[i].b = dirMergeFields(bk.rows[i].b, p.b)
		bk.rows[i].rows += p.rows
		return true
	}
	bk.at[p.key] = len(bk.rows)
	bk.rows = append(bk.rows, &p)
	return false
}

// dirBuildTemp writes bk into a new temporary file next to dst, which the caller removes, and returns its
// name index.
func dirBuildTemp(ctx context.Context, dst string, bk *dirBulk) (string, *dirNames, error) {
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".build-*")
	if err != nil {
		return "", nil, fmt.Errorf("directory build: %w", err)
	}
	tmp := f.Name()
	_ = f.Close()
	names, err := bk.write(ctx, tmp)
	if err != nil {
		dirRemoveTemp(tmp)
		return "", nil, fmt.Errorf("directory build: %w", err)
	}
	return tmp, names, nil
}

func dirRemoveTemp(tmp string) {
	for _, p := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(p)
	}
}

// dirBuildInstall builds bk and installs it at dst (see dirInstall).
func dirBuildInstall(ctx context.Context, dst string, bk *dirBulk) error {
	tmp, _, err := dirBuildTemp(ctx, dst, bk)
	if err != nil {
		return err
	}
	defer dirRemoveTemp(tmp)
	return dirInstall(ctx, tmp, dst)
}

// installLocked builds bk and overwrites the open directory with it; d.wmu is held.
func (d *Directory) installLocked(ctx context.Context, bk *dirBulk) error {
	tmp, names, err := dirBuildTemp(ctx, d.path, bk)
	if err != nil {
		return err
	}
	defer dirRemoveTemp(tmp)
	if err := d.restoreLocked(ctx, tmp); err != nil {
		return err
	}
	d.installNames(names)
	return nil
}

// loadAllInto adds every stored beneficiary to bk.
func (d *Directory) loadAllInto(ctx context.Context, bk *dirBulk) error {
	return dirLoadAll(ctx, d.rdb, bk)
}

// dirLoadAll adds every beneficiary stored in q's file to bk.
func dirLoadAll(ctx context.Context, q dirQuerier, bk *dirBulk) error {
	rows, err := q.QueryContext(ctx, `SELECT `+dirColumns+` FROM beneficiaries b ORDER BY b.rk`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		_, b, err := dirScan(rows)
		if err != nil {
			return err
		}
		bk.add(b)
	}
	return rows.Err()
}

// dirInstall puts a built file at dst: renamed when dst does not exist, else copied over it in one write.
func dirInstall(ctx context.Context, tmp, dst string) error {
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		// a WAL left without its database belongs to no file any more: never let it meet the new one
		_ = os.Remove(dst + "-wal")
		_ = os.Remove(dst + "-shm")
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("directory install %s: %w", dst, err)
		}
		return nil
	}
	d, err := OpenDirectory(dst)
	if err != nil {
		return fmt.Errorf("directory install: %w", err)
	}
	err = d.restoreFrom(ctx, tmp)
	return errors.Join(err, d.Close())
}

// restoreFrom overwrites the directory's file with the built file src in one write transaction (SQLite's
// online backup): readers — of this process or others — see the old directory until it commits. A plain
// rename would be unsafe here: open WAL connections would mix the old WAL with the new file.
func (d *Directory) restoreFrom(ctx context.Context, src string) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	return d.restoreLocked(ctx, src)
}

func (d *Directory) restoreLocked(ctx context.Context, src string) error {
	return dirRestore(ctx, d.wdb, d.path, src)
}

// dirRestore overwrites the file of the writer pool db with src (see restoreFrom).
func dirRestore(ctx context.Context, db *sql.DB, path, src string) error {
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
			if more, err = bk.Step(-1); err != nil {
				_ = bk.Finish()
				return err
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

// dirBulkDSN opens a file being built: no journal, no syncs, one connection; pages are read through a
// mapping and the index builds sort on two threads.
func dirBulkDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(OFF)")
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-8192)")
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Add("_pragma", "threads(2)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	return "file:" + path + "?" + q.Encode()
}

// Bulk build batching: rows per multi-row INSERT statement.
const (
	dirBulkBenRows = 128
	dirBulkConRows = 512
)

// dirBulkChunk is the arguments of one multi-row INSERT of beneficiaries.
type dirBulkChunk struct {
	args []any
	rows int
}

// dirConPair is one contract number a beneficiary holds.
type dirConPair struct {
	key string
	rk  int64
}

// write creates the directory in the empty file at path and returns its name index: rows in rank-key
// order, exact indexes, contract numbers in key order. One goroutine prepares the rows' values (and
// the name index) while this one hands them to SQLite.
func (bk *dirBulk) write(ctx context.Context, path string) (*dirNames, error) {
	db, err := sql.Open("sqlite", dirBulkDSN(path))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA page_size = 4096`); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, dirTables); err != nil {
		return nil, err
	}
	order, err := bk.rankOrder()
	if err != nil {
		return nil, err
	}

	chunks := make(chan dirBulkChunk, 8)
	stop := make(chan struct{})
	type prepared struct {
		names *dirNames
		cons  []dirConPair
		mats  []dirConPair
	}
	done := make(chan prepared, 1)
	go func() {
		defer close(chunks)
		names := newDirNamesBuilder(len(order))
		cons := make([]dirConPair, 0, len(order)+len(order)/8)
		var mats []dirConPair
		cols := 5
		c := dirBulkChunk{args: make([]any, 0, cols*dirBulkBenRows)}
		var arena []byte // the records of a chunk, one allocation for many
		for _, o := range order {
			b := &bk.rows[o.i].b
			if cap(arena)-len(arena) < 1024 {
				arena = make([]byte, 0, 64<<10)
			}
			at := len(arena)
			arena = dirAppendRec(arena, b)
			c.args = append(c.args, o.rk, b.ChaveUnica, b.Card, b.CPF, arena[at:len(arena):len(arena)])
			if c.rows++; c.rows == dirBulkBenRows {
				select {
				case chunks <- c:
				case <-stop:
					return
				}
				c = dirBulkChunk{args: make([]any, 0, cols*dirBulkBenRows)}
			}
			for _, ct := range b.Contracts {
				cons = append(cons, dirConPair{dirContractKey(ct.Number), o.rk})
			}
			if k := dirMatriculaKey(b.IDMatricula); k != "" {
				mats = append(mats, dirConPair{k, o.rk})
			}
			names.add(o.rk, dirNameWords(b.Name), dirRowExtraOf(b))
		}
		if c.rows > 0 {
			select {
			case chunks <- c:
			case <-stop:
				return
			}
		}
		done <- prepared{names.finish(dirNewGeneration()), dirSortPairs(cons), dirSortPairs(mats)}
	}()
	defer close(stop)

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	bens := newDirMultiInsert(tx, `beneficiaries(rk, chave_unica, card, cpf, rec)`, 5,
		dirBulkBenRows)
	for c := range chunks {
		if err := bens.exec(ctx, c.args, c.rows); err != nil {
			return nil, err
		}
	}
	if err := bens.flush(ctx); err != nil {
		return nil, err
	}
	// the exact indexes are built while the producer sorts the key pairs
	if _, err := tx.ExecContext(ctx, dirIndexes); err != nil {
		return nil, err
	}
	var p prepared
	select {
	case p = <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	bk.rows, bk.at = nil, nil // let the rows go before the rest is written
	cons := newDirMultiInsert(tx, `contracts(number_key, rk)`, 2, dirBulkConRows)
	for _, c := range p.cons {
		if err := cons.add(ctx, c.key, c.rk); err != nil {
			return nil, err
		}
	}
	if err := cons.flush(ctx); err != nil {
		return nil, err
	}
	mats := newDirMultiInsert(tx, `matriculas(key, rk)`, 2, dirBulkConRows)
	for _, c := range p.mats {
		if err := mats.add(ctx, c.key, c.rk); err != nil {
			return nil, err
		}
	}
	if err := mats.flush(ctx); err != nil {
		return nil, err
	}
	if err := dirWriteNames(ctx, tx, p.names); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, ?)`,
		dirMetaVersion, strconv.Itoa(DirectorySchemaVersion), dirMetaCount, strconv.Itoa(len(order))); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return p.names, nil
}

// dirSortPairs sorts key pairs into index order and drops duplicates.
func dirSortPairs(ps []dirConPair) []dirConPair {
	slices.SortFunc(ps, func(x, y dirConPair) int {
		return cmp.Or(strings.Compare(x.key, y.key), cmp.Compare(x.rk, y.rk))
	})
	return slices.Compact(ps)
}

// dirRanked is a row of a bulk build with its rank key.
type dirRanked struct {
	i    int
	base int64
	rk   int64
	key  string
}

// rankOrder sorts the rows by rank key and gives each its key: full name order inside each group of the
// same base, then identity.
func (bk *dirBulk) rankOrder() ([]dirRanked, error) {
	order := make([]dirRanked, len(bk.rows))
	cmpRanked := func(a, b dirRanked) int {
		if c := cmp.Compare(a.base, b.base); c != 0 {
			return c
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		ka, kb := bk.rows[a.i].key, bk.rows[b.i].key
		return cmp.Or(strings.Compare(ka.chave, kb.chave), strings.Compare(ka.card, kb.card))
	}
	// two halves folded and sorted side by side, then merged (identities are unique: the order is total)
	half := len(order) / 2
	if len(order) < 4096 {
		half = 0
	}
	var wg sync.WaitGroup
	for _, part := range [][2]int{{0, half}, {half, len(order)}} {
		wg.Go(func() {
			for i := part[0]; i < part[1]; i++ {
				folded := model.FoldText(bk.rows[i].b.Name)
				order[i] = dirRanked{i: i, base: dirRankBase(folded), key: folded}
			}
			slices.SortFunc(order[part[0]:part[1]], cmpRanked)
		})
	}
	wg.Wait()
	if half > 0 {
		merged := make([]dirRanked, 0, len(order))
		a, b := order[:half], order[half:]
		for len(a) > 0 && len(b) > 0 {
			if cmpRanked(a[0], b[0]) <= 0 {
				merged, a = append(merged, a[0]), a[1:]
			} else {
				merged, b = append(merged, b[0]), b[1:]
			}
		}
		order = append(append(merged, a...), b...)
	}
	var rk, lastBase int64 = 0, -1
	for j := range order {
		o := &order[j]
		if o.base != lastBase {
			rk, lastBase = o.base, o.base
		} else if rk++; rk > o.base+dirRankCounterMax {
			return nil, ErrRankFull
		}
		o.rk = rk
	}
	return order, nil
}

// dirMultiInsert batches rows into multi-row INSERT statements.
type dirMultiInsert struct {
	tx      *sql.Tx
	table   string
	cols    int
	perStmt int
	full    *sql.Stmt
	args    []any
}

func newDirMultiInsert(tx *sql.Tx, table string, cols, perStmt int) *dirMultiInsert {
	return &dirMultiInsert{tx: tx, table: table, cols: cols, perStmt: perStmt, args: make([]any, 0, cols*perStmt)}
}

func (m *dirMultiInsert) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", m.cols), ",") + ")"
	return "INSERT INTO " + m.table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (m *dirMultiInsert) add(ctx context.Context, vals ...any) error {
	m.args = append(m.args, vals...)
	if len(m.args) < m.cols*m.perStmt {
		return nil
	}
	if m.full == nil {
		st, err := m.tx.PrepareContext(ctx, m.sql(m.perStmt))
		if err != nil {
			return err
		}
		m.full = st
	}
	_, err := m.full.ExecContext(ctx, m.args...)
	m.args = m.args[:0]
	return err
}

// exec inserts rows whose values are args: through the prepared full statement when there are perStmt.
func (m *dirMultiInsert) exec(ctx context.Context, args []any, rows int) error {
	if rows != m.perStmt {
		_, err := m.tx.ExecContext(ctx, m.sql(rows), args...)
		return err
	}
	if m.full == nil {
		st, err := m.tx.PrepareContext(ctx, m.sql(m.perStmt))
		if err != nil {
			return err
		}
		m.full = st
	}
	_, err := m.full.ExecContext(ctx, args...)
	return err
}

func (m *dirMultiInsert) flush(ctx context.Context) error {
	defer func() {
		if m.full != nil {
			_ = m.full.Close()
			m.full = nil
		}
	}()
	if len(m.args) == 0 {
		return nil
	}
	_, err := m.tx.ExecContext(ctx, m.sql(len(m.args)/m.cols), m.args...)
	m.args = m.args[:0]
	return err
}
