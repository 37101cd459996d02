package directory

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
)

// bulkDSN opens a file being built: no journal, no syncs, one connection; pages are read through a mapping
// and the index builds sort on two threads.
func bulkDSN(path string) string {
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
	bulkBenRows = 256
	bulkKeyRows = 512
)

// bulkChunk is bulkBenRows beneficiaries (fewer at the end): rank keys and records, the records slices of
// arena.
type bulkChunk struct {
	rks   []int64
	recs  [][]byte
	arena []byte
}

// keyPair is one key a beneficiary holds, with the key's bytes after the kind letter as a big-endian number
// (the first 8, zero-padded): key order is (pre, key) order, mostly decided by one comparison.
type keyPair struct {
	pre uint64
	key string
	rk  int64
}

// keyPairOf is the pair of key k held by rk.
func keyPairOf(k string, rk int64) keyPair {
	var b [8]byte
	copy(b[:], k[min(1, len(k)):])
	return keyPair{binary.BigEndian.Uint64(b[:]), k, rk}
}

// keyKinds are the key kinds in key order: a bulk build writes each kind's sorted keys in turn.
var keyKinds = [...]byte{keyCard, keyCPF, keyChave}

// sortedKeys are a build's keys, by kind (see keyKinds), each sorted.
type sortedKeys [len(keyKinds)][]keyPair

// bulkPipe carries a bulk build's work between the goroutines preparing it and the one writing it: chunks of
// records go to SQLite and come back to be filled again (free); the sorted keys, then the name index, follow.
type bulkPipe struct {
	chunks, free chan *bulkChunk
	sorted       chan sortedKeys
	indexed      chan *index.Index
	stop         chan struct{} // closed when the writer is done, whatever happened
}

// write creates the directory in the empty file at path and returns its name index: rows in rank-key order,
// then the keys in key order. One goroutine prepares the rows' records and another the sorted keys and the
// name index, while this one hands them to SQLite.
func (bk *Builder) write(ctx context.Context, path string) (*names, error) {
	db, err := sql.Open("sqlite", bulkDSN(path))
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
	if _, err := conn.ExecContext(ctx, tables); err != nil {
		return nil, err
	}
	order, err := bk.rankOrder()
	if err != nil {
		return nil, err
	}
	p := &bulkPipe{chunks: make(chan *bulkChunk, 8), free: make(chan *bulkChunk, 10),
		sorted: make(chan sortedKeys, 1), indexed: make(chan *index.Index, 1), stop: make(chan struct{})}
	go bk.prepareRecords(order, p)
	go bk.prepareKeysAndNames(order, p)
	defer close(p.stop)
	var n *names
	err = conn.Raw(func(dc any) error {
		rc, ok := dc.(rawConn)
		if !ok {
			return fmt.Errorf("driver %T cannot bulk insert", dc)
		}
		n, err = bk.fill(ctx, rc, p, len(order))
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, setLayoutVersion(ctx, conn)
}

// setLayoutVersion stamps a built file with the current layout version.
func setLayoutVersion(ctx context.Context, conn *sql.Conn) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := migrate.Set(ctx, tx, LayoutVersion); err != nil {
		return err
	}
	return tx.Commit()
}

// prepareRecords encodes the records in rank-key order, in chunks, until done or p.stop.
func (bk *Builder) prepareRecords(order []ranked, p *bulkPipe) {
	defer close(p.chunks)
	next := func() *bulkChunk {
		select {
		case c := <-p.free:
			c.rks, c.recs, c.arena = c.rks[:0], c.recs[:0], c.arena[:0]
			return c
		default:
			return &bulkChunk{rks: make([]int64, 0, bulkBenRows), recs: make([][]byte, 0, bulkBenRows),
				arena: make([]byte, 0, 128<<10)}
		}
	}
	c := next()
	for _, o := range order {
		at := len(c.arena)
		c.arena = appendRec(c.arena, &bk.merged[o.i].b)
		c.rks = append(c.rks, o.rk)
		c.recs = append(c.recs, c.arena[at:len(c.arena):len(c.arena)])
		if len(c.rks) == bulkBenRows {
			select {
			case p.chunks <- c:
			case <-p.stop:
				return
			}
			c = next()
		}
	}
	if len(c.rks) > 0 {
		select {
		case p.chunks <- c:
		case <-p.stop:
		}
	}
}

// prepareKeysAndNames gathers and sorts the keys, and builds the name index, side by side with the records.
func (bk *Builder) prepareKeysAndNames(order []ranked, p *bulkPipe) {
	nb := index.NewBuilder(len(order))
	var keys sortedKeys
	for i, kind := range keyKinds {
		if kind != keyCPF { // nearly everyone has one
			keys[i] = make([]keyPair, 0, len(order))
		}
	}
	slot := func(kind byte) int { return bytes.IndexByte(keyKinds[:], kind) }
	var ks []string
	for j, o := range order {
		if j%4096 == 0 {
			select {
			case <-p.stop:
				return
			default:
			}
		}
		b := &bk.merged[o.i].b
		ks = appendKeys(ks[:0], b)
		for _, k := range ks {
			i := slot(k[0])
			keys[i] = append(keys[i], keyPairOf(k, o.rk))
		}
		nb.Add(o.rk, index.Words(b.Name), index.ExtraOf(b))
	}
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i] = sortPairs(keys[i]) })
	}
	go func() {
		wg.Wait()
		p.sorted <- keys
	}()
	p.indexed <- nb.Finish()
}

// fill writes the whole directory of count beneficiaries through rc in one transaction: the records as they
// come, then the sorted keys, the name index and the meta rows.
func (bk *Builder) fill(ctx context.Context, rc rawConn, p *bulkPipe, count int) (*names, error) {
	if _, err := rc.ExecContext(ctx, `BEGIN`, nil); err != nil {
		return nil, err
	}
	n, err := bk.fillTx(ctx, rc, p, count)
	if err == nil {
		_, err = rc.ExecContext(ctx, `COMMIT`, nil)
	}
	if err != nil {
		_, _ = rc.ExecContext(ctx, `ROLLBACK`, nil)
		return nil, err
	}
	return n, nil
}

// fillTx is fill inside its transaction.
func (bk *Builder) fillTx(ctx context.Context, rc rawConn, p *bulkPipe, count int) (*names, error) {
	bens := newMultiInsert(rc, `beneficiaries(rk, rec)`, 2, bulkBenRows)
	if err := insertRecords(ctx, bens, p); err != nil {
		return nil, err
	}
	var keys sortedKeys
	select {
	case keys = <-p.sorted:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	bk.merged = nil // let the rows go before the rest is written
	if err := bens.flush(ctx); err != nil {
		return nil, err
	}
	if err := insertKeys(ctx, newMultiInsert(rc, `keys(key, rk)`, 2, bulkKeyRows), keys); err != nil {
		return nil, err
	}
	var n *names
	select {
	case ix := <-p.indexed:
		n = newNames(ix)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := writeNames(ctx, rawExec{rc}, n); err != nil {
		return nil, err
	}
	if err := writeMeta(ctx, rawExec{rc}, count); err != nil {
		return nil, err
	}
	return n, nil
}

// insertRecords inserts the records of the chunks p brings, handing each chunk back once inserted.
func insertRecords(ctx context.Context, bens *multiInsert, p *bulkPipe) error {
	for c := range p.chunks {
		for i, rk := range c.rks {
			if err := bens.add(ctx, rk, c.recs[i]); err != nil {
				return err
			}
		}
		hook("build-records")
		if len(bens.args) == 0 { // inserted: the chunk may be filled again
			select {
			case p.free <- c:
			default:
			}
		}
	}
	return nil
}

// insertKeys inserts the sorted keys, kind after kind.
func insertKeys(ctx context.Context, ins *multiInsert, keys sortedKeys) error {
	for _, kind := range keys {
		for _, k := range kind {
			if err := ins.add(ctx, k.key, k.rk); err != nil {
				return err
			}
		}
	}
	return ins.flush(ctx)
}

// sortPairs sorts key pairs into index order and drops duplicates.
func sortPairs(ps []keyPair) []keyPair {
	slices.SortFunc(ps, func(x, y keyPair) int {
		return cmp.Or(cmp.Compare(x.pre, y.pre), strings.Compare(x.key, y.key), cmp.Compare(x.rk, y.rk))
	})
	return slices.CompactFunc(ps, func(x, y keyPair) bool { return x.key == y.key && x.rk == y.rk })
}

// ranked is a row of a bulk build with its rank key.
type ranked struct {
	i    int
	base int64
	rk   int64
	key  string // the folded name
}

// rankOrder sorts the rows by rank key and gives each its key (see index.CompareNames and index.NextRank):
// the order of their folded names, then identity.
func (bk *Builder) rankOrder() ([]ranked, error) {
	order := make([]ranked, len(bk.merged))
	cmpRanked := func(a, b ranked) int {
		if c := index.CompareNames(a.base, a.key, b.base, b.key); c != 0 {
			return c
		}
		ka, kb := bk.merged[a.i].key, bk.merged[b.i].key
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
				folded := model.FoldText(bk.merged[i].b.Name)
				order[i] = ranked{i: i, base: index.RankBase(folded), key: folded}
			}
			slices.SortFunc(order[part[0]:part[1]], cmpRanked)
		})
	}
	wg.Wait()
	if half > 0 {
		merged := make([]ranked, 0, len(order))
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
	var rk int64
	for j := range order {
		o := &order[j]
		var ok bool
		if rk, ok = index.NextRank(o.base, rk, j > 0 && order[j-1].base == o.base); !ok {
			return nil, ErrRankFull
		}
		o.rk = rk
	}
	return order, nil
}

// rawConn is the driver connection a bulk build writes through: a build binds millions of values, and
// database/sql's conversions of every call's arguments would cost a third of that.
type rawConn interface {
	driver.ExecerContext
	driver.ConnPrepareContext
}

// rawExec runs statements on a driver connection (see execer).
type rawExec struct{ c rawConn }

// ExecContext runs query with args converted as the driver takes them.
func (e rawExec) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return e.c.ExecContext(ctx, query, nv)
}

// multiInsert batches rows into multi-row INSERT statements on a driver connection; values are int64,
// string or []byte.
type multiInsert struct {
	c       rawConn
	table   string
	cols    int
	perStmt int
	full    driver.Stmt
	args    []driver.NamedValue
}

func newMultiInsert(c rawConn, table string, cols, perStmt int) *multiInsert {
	return &multiInsert{c: c, table: table, cols: cols, perStmt: perStmt, args: make([]driver.NamedValue, 0, cols*perStmt)}
}

func (m *multiInsert) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", m.cols), ",") + ")"
	return "INSERT INTO " + m.table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// add queues one row's values, inserting perStmt rows at a time.
func (m *multiInsert) add(ctx context.Context, vals ...driver.Value) error {
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
func (m *multiInsert) flush(ctx context.Context) error {
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
