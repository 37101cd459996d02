package directory

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// ErrRankFull means too many beneficiaries share a name's rank group (same length and first letters).
var ErrRankFull = errors.New("directory: too many beneficiaries with alike names")

// Upsert stores beneficiaries by identity (chaveUnica, defaulting to the CPF, plus card). A new identity is
// added; for a stored one the given non-empty fields replace the stored ones and the given contracts are
// added (or their description updated) — contracts are never removed here: a replacing Load does that.
// Beneficiaries of one call sharing an identity are merged. Nothing is written if any has no key.
func (d *Directory) Upsert(ctx context.Context, bs []model.Beneficiary) error {
	ps, err := pendingOf(bs)
	if err != nil {
		return err
	}
	if _, err := d.writeBatch(ctx, ps); err != nil {
		return fmt.Errorf("directory upsert: %w", err)
	}
	d.checkpoint(ctx)
	return nil
}

// checkpointAt is the WAL size from which a write copies it into the file (SQLite's own checkpoint after each
// commit is off for the writer: it would make every upsert batch wait for a copy and two syncs).
const checkpointAt = 256 << 20

// checkpoint copies the WAL into the file when it passed checkpointAt, without waiting for readers (a
// passive checkpoint); the last connection to close copies the rest. Best effort.
func (d *Directory) checkpoint(ctx context.Context) {
	if st, err := os.Stat(d.path + "-wal"); err == nil && st.Size() >= checkpointAt {
		_, _ = d.wdb.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

// pending is one identity to write, merged from one or more input beneficiaries.
type pending struct {
	key    identity
	b      model.Beneficiary
	rows   int  // input beneficiaries merged into it
	stored bool // one of them was read from the directory (a rebuild merging a load into it)
}

// pendingOf normalises and merges beneficiaries by identity, keeping first-seen order.
func pendingOf(bs []model.Beneficiary) ([]*pending, error) {
	var ps []*pending
	at := map[identity]int{}
	for i, b := range bs {
		nb, err := Normalize(b)
		if err != nil {
			return nil, fmt.Errorf("directory upsert #%d (%s): %w", i, model.MaskName(b.Name), err)
		}
		k := identityOf(&nb)
		if j, ok := at[k]; ok {
			ps[j].b = mergeFields(ps[j].b, nb)
			ps[j].rows++
			continue
		}
		at[k] = len(ps)
		ps = append(ps, &pending{key: k, b: nb, rows: 1})
	}
	return ps, nil
}

// writeBatch upserts merged identities in one transaction and reports, per identity, whether it existed.
func (d *Directory) writeBatch(ctx context.Context, ps []*pending) ([]bool, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	return d.writeBatchLocked(ctx, ps)
}

// writeBatchLocked is writeBatch with d.wmu held.
func (d *Directory) writeBatchLocked(ctx context.Context, ps []*pending) ([]bool, error) {
	existed := make([]bool, len(ps))
	tx, err := d.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	w, err := prepareWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.close()
	if len(ps) > 1 {
		if err := d.prefetch(ctx, w, ps); err != nil {
			return nil, err
		}
	}
	added := 0
	for i, p := range ps {
		ex, err := w.upsert(ctx, p.b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", model.MaskName(p.b.Name), err)
		}
		existed[i] = ex
		if !ex {
			added++
		}
	}
	if err := w.flush(ctx, tx); err != nil {
		return nil, err
	}
	if added > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE directory_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?`,
			added, metaCount); err != nil {
			return nil, err
		}
	}
	var n *names
	if len(w.changes) > 0 {
		cur, err := d.namesIn(ctx, tx)
		if err != nil {
			return nil, err
		}
		n = cur.apply(newGeneration(), w.changes)
		if err := writeDelta(ctx, tx, n.gen, w.changes); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if n != nil {
		d.installNames(n)
		if n.needsCompaction() {
			if c, err := d.compactLocked(ctx, n); err != nil {
				d.log.Warn("directory name index compaction", "err", err) // the delta keeps serving
			} else {
				d.installNames(c)
			}
		}
	}
	return existed, nil
}

// namesIn returns the name index as stored in the write transaction tx: the loaded one when current.
func (d *Directory) namesIn(ctx context.Context, tx *sql.Tx) (*names, error) {
	var gen string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, metaGeneration).Scan(&gen); err != nil {
		return nil, fmt.Errorf("name index generation: %w", err)
	}
	if n := d.names.Load(); n != nil && n.gen == gen {
		return n, nil
	}
	return d.loadNames(ctx, tx, d.names.Load())
}

// writer holds the statements of one write transaction.
type writer struct {
	sel, maxRank, upd, dropKey *sql.Stmt
	changes                    []index.Change // to the name index, in order
	rec                        []byte

	stored  map[string][]storedRow // see prefetch; nil: find asks SQLite
	lastRks map[int64]int64        // per rank group, the last rank key given in this transaction, or stored
	empty   map[int64]bool         // rank groups prefetch found without a stored member

	// rows and keys to insert, written a few hundred a statement by flush (what the transaction reads of
	// them — the rank keys given — is in lastRks)
	newRecs []any // rk, rec, rk, rec, …
	newKeys []any // key, rk, key, rk, …
}

// sortPairs sorts a list of pairs (key, value, key, value, …) by key.
func sortPairs(kv []any, cmpKey func(a, b any) int) {
	type pair struct{ k, v any }
	ps := make([]pair, len(kv)/2)
	for i := range ps {
		ps[i] = pair{kv[2*i], kv[2*i+1]}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmpKey(a.k, b.k) })
	for i, p := range ps {
		kv[2*i], kv[2*i+1] = p.k, p.v
	}
}

// Rows a statement of flush inserts.
const flushRows = 256

// flush inserts the rows and keys queued by insert and moveKeys, each in its table's order: the B-trees' pages
// are then visited once each, in order.
func (w *writer) flush(ctx context.Context, tx *sql.Tx) error {
	sortPairs(w.newRecs, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	sortPairs(w.newKeys, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	for _, q := range []struct {
		args *[]any
		head string
	}{{&w.newRecs, `INSERT INTO beneficiaries(rk, rec) VALUES `}, {&w.newKeys, `INSERT OR IGNORE INTO keys(key, rk) VALUES `}} {
		args := *q.args
		for len(args) > 0 {
			n := min(len(args)/2, flushRows)
			stmt := q.head + strings.TrimSuffix(strings.Repeat("(?, ?),", n), ",")
			if _, err := tx.ExecContext(ctx, stmt, args[:2*n]...); err != nil {
				return err
			}
			args = args[2*n:]
		}
		*q.args = (*q.args)[:0]
	}
	return nil
}

// storedRow is a stored beneficiary read by prefetch.
type storedRow struct {
	rk int64
	b  model.Beneficiary
}

// prefetchParts is how many reader connections prefetch splits a batch's reads over.
const prefetchParts = 2

// prefetch reads what the upserts of ps will look up — the stored beneficiaries of their identities, and the
// last rank key of each new one's rank group — in one query each, split over prefetchParts reader connections
// running at once. The write transaction is open (the write lock held), so the readers see what it sees.
// Identities are distinct in a batch, so what the batch writes never changes what find should see.
func (d *Directory) prefetch(ctx context.Context, w *writer, ps []*pending) error {
	type part struct {
		stored map[string][]storedRow
		last   map[int64]sql.NullInt64
		err    error
	}
	parts := make([]part, prefetchParts)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(ps)/len(parts), (i+1)*len(ps)/len(parts)
		wg.Go(func() {
			parts[i].stored, parts[i].last, parts[i].err = d.prefetchPart(ctx, ps[lo:hi])
		})
	}
	wg.Wait()
	w.stored, w.lastRks, w.empty = map[string][]storedRow{}, map[int64]int64{}, map[int64]bool{}
	for _, p := range parts {
		if p.err != nil {
			return p.err
		}
		maps.Copy(w.stored, p.stored)
		for base, last := range p.last {
			if last.Valid {
				w.lastRks[base] = last.Int64
			} else {
				w.empty[base] = true
			}
		}
	}
	return nil
}

// prefetchPart reads, in a read transaction of a reader connection, the stored beneficiaries of ps's
// identities by the key find looks them up by, then the last stored rank key of each rank group a new one
// of them goes into (NULL: none stored).
func (d *Directory) prefetchPart(ctx context.Context, ps []*pending) (map[string][]storedRow, map[int64]sql.NullInt64, error) {
	tx, err := d.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = tx.Rollback() }()
	keys := make([]string, 0, len(ps))
	for _, p := range ps {
		keys = append(keys, lookupKey(p.b.ChaveUnica, p.b.Card))
	}
	js, err := json.Marshal(keys)
	if err != nil {
		return nil, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+columns+`, k.key FROM keys k JOIN beneficiaries b ON b.rk = k.rk
		WHERE k.key IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	r := &writer{stored: make(map[string][]storedRow, len(ps))}
	for rows.Next() {
		var (
			key string
			sr  storedRow
		)
		b, err := scanInto(rows, &sr.rk, &key)
		if err != nil {
			return nil, nil, err
		}
		sr.b = b
		r.stored[key] = append(r.stored[key], sr)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	last, err := lastRanks(ctx, tx, r, ps)
	return r.stored, last, err
}

// lastRanks reads, in one query, the last stored rank key of the rank group of each identity of ps that r
// (prefetched) does not find, in rank order.
func lastRanks(ctx context.Context, tx *sql.Tx, r *writer, ps []*pending) (map[int64]sql.NullInt64, error) {
	var bases []int64
	for _, p := range ps {
		if _, _, ok, _ := r.find(ctx, p.b.ChaveUnica, p.b.Card); !ok {
			bases = append(bases, index.RankBase(model.FoldText(p.b.Name)))
		}
	}
	last := make(map[int64]sql.NullInt64, len(bases))
	if len(bases) == 0 {
		return last, nil
	}
	slices.Sort(bases)
	bases = slices.Compact(bases)
	js, err := json.Marshal(bases)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT j.value, (SELECT max(rk) FROM beneficiaries
		WHERE rk >= j.value AND rk <= j.value + ?) FROM json_each(?) j`, index.RankCounterMax, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			base int64
			l    sql.NullInt64
		)
		if err := rows.Scan(&base, &l); err != nil {
			return nil, err
		}
		last[base] = l
	}
	return last, rows.Err()
}

// lookupKey is the key find looks an identity up by: its card's, or, without a card, its chaveUnica's.
func lookupKey(chave, card string) string {
	if card == "" {
		return keyOf(keyChave, chave)
	}
	return keyOf(keyCard, card)
}

func prepareWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	w := &writer{}
	for _, s := range []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&w.sel, `SELECT ` + columns + ` FROM beneficiaries b WHERE b.rk IN (SELECT rk FROM keys WHERE key = ?)`},
		{&w.maxRank, `SELECT max(rk) FROM beneficiaries WHERE rk >= ? AND rk <= ?`},
		{&w.upd, `UPDATE beneficiaries SET rk = ?, rec = ? WHERE rk = ?`},
		{&w.dropKey, `DELETE FROM keys WHERE key = ? AND rk = ?`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*s.dst = st
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.sel, w.maxRank, w.upd, w.dropKey} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// allocRank gives a new rank key in the group of a folded name: after the group's last member.
func (w *writer) allocRank(ctx context.Context, folded string) (int64, error) {
	base := index.RankBase(folded)
	last, had := w.lastRks[base]
	if !had && !w.empty[base] {
		var stored sql.NullInt64
		if err := w.maxRank.QueryRowContext(ctx, base, base+index.RankCounterMax).Scan(&stored); err != nil {
			return 0, err
		}
		last, had = stored.Int64, stored.Valid
	}
	rk, ok := index.NextRank(base, last, had)
	if !ok {
		return 0, ErrRankFull
	}
	if w.lastRks == nil {
		w.lastRks = map[int64]int64{}
	}
	w.lastRks[base] = rk
	return rk, nil
}

// find reads the stored beneficiary of an identity: among the holders of its card (or, without a card,
// of its chaveUnica), the one with both.
func (w *writer) find(ctx context.Context, chave, card string) (int64, model.Beneficiary, bool, error) {
	key := lookupKey(chave, card)
	if w.stored != nil {
		for _, r := range w.stored[key] {
			if r.b.ChaveUnica == chave && r.b.Card == card {
				return r.rk, r.b, true, nil
			}
		}
		return 0, model.Beneficiary{}, false, nil
	}
	rows, err := w.sel.QueryContext(ctx, key)
	if err != nil {
		return 0, model.Beneficiary{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		rk, b, err := scan(rows)
		if err != nil {
			return 0, model.Beneficiary{}, false, err
		}
		if b.ChaveUnica == chave && b.Card == card {
			return rk, b, true, nil
		}
	}
	return 0, model.Beneficiary{}, false, rows.Err()
}

// upsert writes one normalised beneficiary and reports whether its identity existed.
func (w *writer) upsert(ctx context.Context, b model.Beneficiary) (bool, error) {
	rk, cur, ok, err := w.find(ctx, b.ChaveUnica, b.Card)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, w.insert(ctx, b)
	}
	merged := mergeFields(cur, b)
	newRK := rk
	folded := model.FoldText(merged.Name)
	nameChanged := folded != model.FoldText(cur.Name)
	if nameChanged && index.RankBase(folded) != index.RankGroup(rk) {
		if newRK, err = w.allocRank(ctx, folded); err != nil {
			return true, err
		}
	}
	if sameFields(merged, cur) && slices.Equal(merged.Contracts, cur.Contracts) && newRK == rk {
		return true, nil
	}
	w.rec = appendRec(w.rec[:0], &merged)
	if _, err := w.upd.ExecContext(ctx, newRK, w.rec, rk); err != nil {
		return true, err
	}
	if err := w.moveKeys(ctx, keysOf(&cur), rk, keysOf(&merged), newRK); err != nil {
		return true, err
	}
	if x := index.ExtraOf(&merged); nameChanged || newRK != rk || !x.Equal(index.ExtraOf(&cur)) {
		w.changes = append(w.changes, index.Change{Old: rk, HasOld: true, RK: newRK, HasNew: true,
			Words: index.Words(merged.Name), Extra: x})
	}
	return true, nil
}

// moveKeys replaces the keys oldKeys of rank key rk with newKeys of rank key newRK, leaving the ones both hold.
func (w *writer) moveKeys(ctx context.Context, oldKeys []string, rk int64, newKeys []string, newRK int64) error {
	for _, k := range oldKeys {
		if newRK != rk || !slices.Contains(newKeys, k) {
			if _, err := w.dropKey.ExecContext(ctx, k, rk); err != nil {
				return err
			}
		}
	}
	for _, k := range newKeys {
		if newRK != rk || !slices.Contains(oldKeys, k) {
			w.newKeys = append(w.newKeys, k, newRK)
		}
	}
	return nil
}

// insert writes a beneficiary of a new identity.
func (w *writer) insert(ctx context.Context, b model.Beneficiary) error {
	rk, err := w.allocRank(ctx, model.FoldText(b.Name))
	if err != nil {
		return err
	}
	w.newRecs = append(w.newRecs, rk, appendRec(nil, &b))
	for _, k := range keysOf(&b) {
		w.newKeys = append(w.newKeys, k, rk)
	}
	w.changes = append(w.changes, index.Change{RK: rk, HasNew: true, Words: index.Words(b.Name),
		Extra: index.ExtraOf(&b)})
	return nil
}
