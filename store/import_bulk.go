package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
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
	slab []dirPending // where new rows are kept: one allocation for many
}

// dirBulkSlab is how many rows a dirBulk allocates at once.
const dirBulkSlab = 4096

func newDirBulk() *dirBulk { return newDirBulkSized(0) }

// newDirBulkSized is a dirBulk with room for about rows beneficiaries.
func newDirBulkSized(rows int) *dirBulk {
	return &dirBulk{at: make(map[dirKey]int, rows), rows: make([]*dirPending, 0, rows)}
}

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
	if len(bk.slab) == cap(bk.slab) {
		bk.slab = make([]dirPending, 0, dirBulkSlab)
	}
	bk.slab = append(bk.slab, p)
	bk.rows = append(bk.rows, &bk.slab[len(bk.slab)-1])
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
	rows, err := d.rdb.QueryContext(ctx, `SELECT `+dirColumns+` FROM beneficiaries b ORDER BY b.rk`)
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
	dirBulkBenRows = 256
	dirBulkKeyRows = 512
)

// dirBulkChunk is dirBulkBenRows beneficiaries (fewer at the end): rank keys and records, the records
// slices of arena.
type dirBulkChunk struct {
	rks   []int64
	recs  [][]byte
	arena []byte
}

// dirConPair is one key a beneficiary holds, with the key's bytes after the kind letter as a big-endian
// number (the first 8, zero-padded): key order is (pre, key) order, mostly decided by one comparison.
type dirConPair struct {
	pre uint64
	key string
	rk  int64
}

// dirConPairOf is the pair of key k held by rk.
func dirConPairOf(k string, rk int64) dirConPair {
	var b [8]byte
	copy(b[:], k[min(1, len(k)):])
	return dirConPair{binary.BigEndian.Uint64(b[:]), k, rk}
}

// dirKeyKinds are the key kinds in key order: a bulk build writes each kind's sorted keys in turn.
var dirKeyKinds = [...]byte{dirKeyCard, dirKeyCPF, dirKeyChave}

// write creates the directory in the empty file at path and returns its name index: rows in rank-key
// order, then the keys in key order. One goroutine prepares the rows' records and another the sorted keys
// and the name index, while this one hands them to SQLite.
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
	var names *dirNames

	// chunks go to SQLite and come back to be filled again: the records are copied when bound
	chunks, free := make(chan *dirBulkChunk, 8), make(chan *dirBulkChunk, 10)
	stop := make(chan struct{})
	// the keys are written while the name index is finished
	sorted := make(chan [len(dirKeyKinds)][]dirConPair, 1)
	indexed := make(chan *dirNames, 1)
	go func() { // the records, in chunks
		defer close(chunks)
		next := func() *dirBulkChunk {
			select {
			case c := <-free:
				c.rks, c.recs, c.arena = c.rks[:0], c.recs[:0], c.arena[:0]
				return c
			default:
				return &dirBulkChunk{rks: make([]int64, 0, dirBulkBenRows), recs: make([][]byte, 0, dirBulkBenRows),
					arena: make([]byte, 0, 128<<10)}
			}
		}
		c := next()
		for _, o := range order {
			at := len(c.arena)
			c.arena = dirAppendRec(c.arena, &bk.rows[o.i].b)
			c.rks = append(c.rks, o.rk)
			c.recs = append(c.recs, c.arena[at:len(c.arena):len(c.arena)])
			if len(c.rks) == dirBulkBenRows {
				select {
				case chunks <- c:
				case <-stop:
					return
				}
				c = next()
			}
		}
		if len(c.rks) > 0 {
			select {
			case chunks <- c:
			case <-stop:
			}
		}
	}()
	go func() { // the keys and the name index, side by side with the records
		names := newDirNamesBuilder(len(order))
		var keys [len(dirKeyKinds)][]dirConPair
		for i, kind := range dirKeyKinds {
			if kind != dirKeyCPF { // nearly everyone has one
				keys[i] = make([]dirConPair, 0, len(order))
			}
		}
		slot := func(kind byte) int { return bytes.IndexByte(dirKeyKinds[:], kind) }
		var ks []string
		for j, o := range order {
			if j%4096 == 0 {
				select {
				case <-stop:
					return
				default:
				}
			}
			b := &bk.rows[o.i].b
			ks = dirAppendKeys(ks[:0], b)
			for _, k := range ks {
				i := slot(k[0])
				keys[i] = append(keys[i], dirConPairOf(k, o.rk))
			}
			names.add(o.rk, dirNameWords(b.Name), dirRowExtraOf(b))
		}
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() { keys[i] = dirSortPairs(keys[i]) })
		}
		go func() {
			wg.Wait()
			sorted <- keys
		}()
		indexed <- names.finish(dirNewGeneration())
	}()
	defer close(stop)

	err = conn.Raw(func(dc any) error {
		rc, ok := dc.(dirRawConn)
		if !ok {
			return fmt.Errorf("driver %T cannot bulk insert", dc)
		}
		if _, err := rc.ExecContext(ctx, `BEGIN`, nil); err != nil {
			return err
		}
		bens := newDirMultiInsert(rc, `beneficiaries(rk, rec)`, 2, dirBulkBenRows)
		for c := range chunks {
			for i, rk := range c.rks {
				if err := bens.add(ctx, rk, c.recs[i]); err != nil {
					_, _ = rc.ExecContext(ctx, `ROLLBACK`, nil)
					return err
				}
			}
			if len(bens.args) == 0 { // inserted: the chunk may be filled again
				select {
				case free <- c:
				default:
				}
			}
		}
		var sortedKeys [len(dirKeyKinds)][]dirConPair
		select {
		case sortedKeys = <-sorted:
		case <-ctx.Done():
			_, _ = rc.ExecContext(ctx, `ROLLBACK`, nil)
			return ctx.Err()
		}
		bk.rows, bk.at, bk.slab = nil, nil, nil // let the rows go before the rest is written
		keys := newDirMultiInsert(rc, `keys(key, rk)`, 2, dirBulkKeyRows)
		err := bens.flush(ctx)
		for _, kind := range sortedKeys {
			for _, k := range kind {
				if err == nil {
					err = keys.add(ctx, k.key, k.rk)
				}
			}
		}
		if err == nil {
			err = keys.flush(ctx)
		}
		if err == nil {
			select {
			case names = <-indexed:
				err = dirWriteNames(ctx, dirRawExec{rc}, names)
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		if err == nil {
			_, err = dirRawExec{rc}.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, ?)`,
				dirMetaVersion, strconv.Itoa(DirectorySchemaVersion), dirMetaCount, strconv.Itoa(len(order)))
		}
		if err == nil {
			_, err = rc.ExecContext(ctx, `COMMIT`, nil)
		}
		if err != nil {
			_, _ = rc.ExecContext(ctx, `ROLLBACK`, nil)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// dirSortPairs sorts key pairs into index order and drops duplicates.
func dirSortPairs(ps []dirConPair) []dirConPair {
	slices.SortFunc(ps, func(x, y dirConPair) int {
		return cmp.Or(cmp.Compare(x.pre, y.pre), strings.Compare(x.key, y.key), cmp.Compare(x.rk, y.rk))
	})
	return slices.CompactFunc(ps, func(x, y dirConPair) bool { return x.key == y.key && x.rk == y.rk })
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

// dirRawConn is the driver connection a bulk build writes through: a build binds millions of values, and
// database/sql's conversions of every call's arguments would cost a third of that.
type dirRawConn interface {
	driver.ExecerContext
	driver.ConnPrepareContext
}

// dirRawExec runs statements on a driver connection (see dirExecer).
type dirRawExec struct{ c dirRawConn }

func (e dirRawExec) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return e.c.ExecContext(ctx, query, nv)
}

// dirMultiInsert batches rows into multi-row INSERT statements on a driver connection; values are int64,
// string or []byte.
type dirMultiInsert struct {
	c       dirRawConn
	table   string
	cols    int
	perStmt int
	full    driver.Stmt
	args    []driver.NamedValue
}

func newDirMultiInsert(c dirRawConn, table string, cols, perStmt int) *dirMultiInsert {
	return &dirMultiInsert{c: c, table: table, cols: cols, perStmt: perStmt, args: make([]driver.NamedValue, 0, cols*perStmt)}
}

func (m *dirMultiInsert) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", m.cols), ",") + ")"
	return "INSERT INTO " + m.table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// add queues one row's values, inserting perStmt rows at a time.
func (m *dirMultiInsert) add(ctx context.Context, vals ...driver.Value) error {
	for _, v := range vals {
		m.args = append(m.args, driver.NamedValue{Ordinal: len(m.args) + 1, Value: v})
	}
	if len(m.args) < m.cols*m.perStmt {
		return nil
	}
	if m.full == nil {
		st, err := m.c.PrepareContext(ctx, m.sql(m.perStmt))
		if err != nil {
			return err
		}
		m.full = st
	}
	_, err := m.full.(driver.StmtExecContext).ExecContext(ctx, m.args)
	m.args = m.args[:0]
	return err
}

// flush inserts the queued rows and closes the statement.
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
	_, err := m.c.ExecContext(ctx, m.sql(len(m.args)/m.cols), m.args)
	m.args = m.args[:0]
	return err
}
