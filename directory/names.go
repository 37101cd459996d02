package directory

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// names is the name index of one generation of the directory (see metaGeneration): a base, written with
// the directory by a bulk build into an index file next to it (see indexPath) and mapped, never rewritten;
// and a delta, the rows upserts wrote since, kept in the name_delta table and in memory, the base's rows they
// replaced skipped. A reader reloads it when the generation changes, whoever wrote: the base only when the
// build changed (metaBase), the delta every time — small, since a delta over a tenth of the base is folded
// into a new base (see compactLocked).
type names struct {
	gen, baseGen string
	raw          *index.Index // the base as mapped
	base         *index.Index // raw without the rows the delta replaced or removed
	delta        *index.Index
	changed      int // delta rows (replacements, additions and removals)
}

// newGeneration tags a new state of the directory.
func newGeneration() string { return strconv.FormatUint(rand.Uint64(), 36) }

// indexPath is the index file of a directory's base of generation gen: <directory>.index-<gen>.
func indexPath(db, gen string) string { return db + indexInfix + gen }

const indexInfix = ".index-"

// nameRanges are a query's word ranges in the base and in the delta (see index.Index.Ranges).
type nameRanges struct {
	base, delta     []index.Range
	inBase, inDelta bool // every word starts a word there
}

// Ranges returns the words' ranges; false when no row can match them all.
func (n *names) Ranges(words []string) (nameRanges, bool) {
	var r nameRanges
	r.base, r.inBase = n.base.Ranges(words)
	r.delta, r.inDelta = n.delta.Ranges(words)
	return r, r.inBase || r.inDelta
}

// Match reports whether the row of rank key rk has, for every word, a word in its range, and how many of
// them whole (the tier); false for a row the index does not hold.
func (n *names) Match(rk int64, r nameRanges) (tier int, ok bool) {
	if o, found := n.delta.Ordinal(rk); found {
		if !r.inDelta {
			return 0, false
		}
		return n.delta.Match(o, r.delta)
	}
	if o, found := n.base.Ordinal(rk); found && r.inBase {
		return n.base.Match(o, r.base)
	}
	return 0, false
}

// Search returns the best limit rows for the words (see index.Index.Search), from the base and the delta.
func (n *names) Search(words []string, limit int) []index.Hit {
	return mergeHits(n.base.Search(words, limit), n.delta.Search(words, limit), limit)
}

// SearchBirth returns the best limit rows born on birth whose names match r (see index.Index.SearchBirth).
func (n *names) SearchBirth(birth uint16, r nameRanges, limit int, words bool) []index.Hit {
	var a, b []index.Hit
	if !words || r.inBase {
		a = n.base.SearchBirth(birth, r.base, limit)
	}
	if !words || r.inDelta {
		b = n.delta.SearchBirth(birth, r.delta, limit)
	}
	return mergeHits(a, b, limit)
}

// mergeHits merges two rankings into the first limit hits.
func mergeHits(a, b []index.Hit, limit int) []index.Hit {
	if len(b) == 0 {
		return a
	}
	out := append(a, b...)
	slices.SortFunc(out, index.Compare)
	return out[:min(len(out), limit)]
}

// mergeRKs merges two ascending rank-key lists into the first `first` (all when first <= 0).
func mergeRKs(a, b []int64, first int) []int64 {
	if len(b) == 0 {
		return a
	}
	out := append(a, b...)
	slices.Sort(out)
	if first > 0 && len(out) > first {
		out = out[:first]
	}
	return out
}

// PhoneRKs: see index.Index.PhoneRKs.
func (n *names) PhoneRKs(local string, first int) []int64 {
	return mergeRKs(n.base.PhoneRKs(local, first), n.delta.PhoneRKs(local, first), first)
}

// MatriculaRKs: see index.Index.MatriculaRKs.
func (n *names) MatriculaRKs(key string, first int) []int64 {
	return mergeRKs(n.base.MatriculaRKs(key, first), n.delta.MatriculaRKs(key, first), first)
}

// ContractRKs: see index.Index.ContractRKs.
func (n *names) ContractRKs(key string, first int) []int64 {
	return mergeRKs(n.base.ContractRKs(key, first), n.delta.ContractRKs(key, first), first)
}

// emptyIndex is an index of no rows.
var emptyIndex = index.NewBuilder(0).Finish()

// withBase is the names of a new build: its base alone.
func withBase(gen string, raw *index.Index) *names {
	return &names{gen: gen, baseGen: gen, raw: raw, base: raw, delta: emptyIndex}
}

// apply returns the names after the changes of a write of generation gen.
func (n *names) apply(gen string, changes []index.Change) *names {
	var rks []int64
	for _, c := range changes {
		if c.HasOld {
			rks = append(rks, c.Old)
		}
		if c.HasNew {
			rks = append(rks, c.RK)
		}
	}
	out := *n
	out.gen = gen
	out.base = n.raw.Without(n.base.Dead(rks))
	out.delta = n.delta.Apply(changes)
	out.changed = n.changed + len(changes)
	return &out
}

// encodeDelta is a delta row: the words and the extra, as unsigned varints and length-prefixed strings.
func encodeDelta(words []string, x index.Extra) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(words)))
	for _, w := range words {
		b = binary.AppendUvarint(b, uint64(len(w)))
		b = append(b, w...)
	}
	for _, v := range []uint64{uint64(x.Birth), uint64(x.Phone), uint64(x.Matricula), uint64(len(x.Contracts))} {
		b = binary.AppendUvarint(b, v)
	}
	for _, c := range x.Contracts {
		b = binary.AppendUvarint(b, uint64(c))
	}
	return b
}

// decodeDelta reads a delta row.
func decodeDelta(b []byte) ([]string, index.Extra, error) {
	var x index.Extra
	bad := false
	uv := func() uint64 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			bad = true
			return 0
		}
		b = b[k:]
		return v
	}
	n := uv()
	if n > uint64(len(b)) {
		return nil, x, errRecCorrupt
	}
	words := make([]string, 0, n)
	for range n {
		l := uv()
		if bad || l > uint64(len(b)) {
			return nil, x, errRecCorrupt
		}
		words = append(words, string(b[:l]))
		b = b[l:]
	}
	x.Birth, x.Phone, x.Matricula = uint16(uv()), uint32(uv()), uint32(uv())
	nc := uv()
	if nc > uint64(len(b)) {
		return nil, x, errRecCorrupt
	}
	for range nc {
		x.Contracts = append(x.Contracts, uint32(uv()))
	}
	if bad || len(b) != 0 {
		return nil, x, errRecCorrupt
	}
	return words, x, nil
}

// writeDelta records a write's changes to the name index in name_delta (a removed row as NULL), a few
// hundred rows a statement, and sets the directory's generation to gen.
func writeDelta(ctx context.Context, tx *sql.Tx, gen string, changes []index.Change) error {
	var args []any
	for _, c := range changes {
		if c.HasOld && (!c.HasNew || c.Old != c.RK) {
			args = append(args, c.Old, nil)
		}
		if c.HasNew {
			args = append(args, c.RK, encodeDelta(c.Words, c.Extra))
		}
	}
	for len(args) > 0 { // rows of one statement are upserted in order: a later one of a rank key wins
		n := min(len(args)/2, 256)
		if _, err := tx.ExecContext(ctx, `INSERT INTO name_delta(rk, data) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?),", n), ",")+
			` ON CONFLICT(rk) DO UPDATE SET data = excluded.data`, args[:2*n]...); err != nil {
			return fmt.Errorf("name index delta: %w", err)
		}
		args = args[2*n:]
	}
	return setMeta(ctx, tx, metaGeneration, gen)
}

// setMeta sets a meta row.
func setMeta(ctx context.Context, ex execer, key, value string) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// execer is what writes a file: a transaction, a connection or a bulk build's driver connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// readGens reads the directory's generation and its base's.
func readGens(ctx context.Context, q querier) (gen, base string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM directory_meta WHERE key IN (?, ?)`, metaGeneration, metaBase)
	if err != nil {
		return "", "", fmt.Errorf("name index generation: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return "", "", fmt.Errorf("name index generation: %w", err)
		}
		if k == metaGeneration {
			gen = v
		} else {
			base = v
		}
	}
	if err := rows.Err(); err != nil {
		return "", "", fmt.Errorf("name index generation: %w", err)
	}
	if gen == "" || base == "" {
		return "", "", fmt.Errorf("name index generation: %w", errRecCorrupt)
	}
	return gen, base, nil
}

// loadNames reads the name index of the state q (a read transaction) sees: the base from its index file —
// cur's when it is of the same build, else mapped, else rebuilt from the records when the file is missing or
// unusable (logged) — and the delta from name_delta.
func (d *Directory) loadNames(ctx context.Context, q querier, cur *names) (*names, error) {
	gen, baseGen, err := readGens(ctx, q)
	if err != nil {
		return nil, err
	}
	var raw *index.Index
	if cur != nil && cur.baseGen == baseGen {
		raw = cur.raw
	} else if raw, err = d.mapBase(ctx, q, baseGen); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT rk, data FROM name_delta ORDER BY rk`)
	if err != nil {
		return nil, fmt.Errorf("name index delta: %w", err)
	}
	defer rows.Close()
	nb := index.NewBuilder(0)
	var rks []int64
	for rows.Next() {
		var (
			rk   int64
			data []byte
		)
		if err := rows.Scan(&rk, &data); err != nil {
			return nil, fmt.Errorf("name index delta: %w", err)
		}
		rks = append(rks, rk)
		if data == nil {
			continue
		}
		words, x, err := decodeDelta(data)
		if err != nil {
			return nil, fmt.Errorf("name index delta %d: %w", rk, err)
		}
		nb.Add(rk, words, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("name index delta: %w", err)
	}
	n := &names{gen: gen, baseGen: baseGen, raw: raw, base: raw, delta: nb.Finish(), changed: len(rks)}
	if len(rks) > 0 {
		n.base = raw.Without(raw.Dead(rks))
	}
	return n, nil
}

// emptyBase is the base generation of a directory created empty: no index file, no rows.
const emptyBase = "0"

// mapBase maps the index file of base gen, rebuilding it from the records q sees when it is missing or
// unusable (a directory file copied without it, say).
func (d *Directory) mapBase(ctx context.Context, q querier, gen string) (*index.Index, error) {
	if gen == emptyBase {
		return emptyIndex, nil
	}
	path := indexPath(d.path, gen)
	raw, err := index.Map(path, gen)
	if err == nil {
		return raw, nil
	}
	start := time.Now()
	d.log.Warn("directory name index rebuilt from the records", "file", path, "reason", err.Error())
	if err := writeIndexFromRecords(ctx, q, d.path, gen); err != nil {
		return nil, fmt.Errorf("name index %s: %w", path, err)
	}
	raw, err = index.Map(path, gen)
	if err != nil {
		return nil, fmt.Errorf("name index %s: %w", path, err)
	}
	d.log.Info("directory name index rebuilt", "file", path, "rows", raw.Len(),
		"duration", time.Since(start).Round(time.Millisecond))
	return raw, nil
}

// writeIndexFromRecords writes the index file of base gen of the directory at db from the records q sees.
func writeIndexFromRecords(ctx context.Context, q querier, db, gen string) error {
	t, err := newBuildTemp(db)
	if err != nil {
		return err
	}
	defer t.remove()
	w, err := index.NewFileWriter(t.path(buildIndex), t.createFile)
	if err != nil {
		return err
	}
	defer w.Abort()
	rows, err := q.QueryContext(ctx, `SELECT rk, rec FROM beneficiaries ORDER BY rk`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rk  int64
			rec sql.RawBytes
			b   model.Beneficiary
		)
		if err := rows.Scan(&rk, &rec); err != nil {
			return err
		}
		if err := decodeRec(rec, &b); err != nil {
			return fmt.Errorf("beneficiary %d: %w", rk, err)
		}
		w.Add(rk, index.Words(b.Name), index.ExtraOf(&b))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := w.Finish(gen); err != nil {
		return err
	}
	return os.Rename(t.path(buildIndex), indexPath(db, gen))
}

// compactMin is the delta size (rows changed) from which a write folds the delta into a new base: at least
// this, and a tenth of the base (tests make it small).
var compactMin = 50_000

// needsCompaction reports whether n's delta is big enough to be folded into a new base.
func (n *names) needsCompaction() bool {
	return n.changed >= max(compactMin, n.raw.Len()/10)
}

// compactLocked folds the delta of n, just committed, into a new base: a new index file, then one write that
// empties name_delta and names the new base; d.wmu is held. On failure the directory stays as it was (the
// delta keeps serving) and the next write tries again.
func (d *Directory) compactLocked(ctx context.Context, n *names) (*names, error) {
	start := time.Now()
	gen := newGeneration()
	t, err := newBuildTemp(d.path)
	if err != nil {
		return nil, err
	}
	defer t.remove()
	w, err := index.NewFileWriter(t.path(buildIndex), t.createFile)
	if err != nil {
		return nil, err
	}
	defer w.Abort()
	eachRow(n, func(rk int64, words []string, x index.Extra) { w.Add(rk, words, x) })
	if err := w.Finish(gen); err != nil {
		return nil, err
	}
	out := &built{ix: t.path(buildIndex), gen: gen}
	if err := out.publish(d.path); err != nil {
		return nil, err
	}
	defer out.release()
	tx, err := d.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	var cur string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, metaGeneration).Scan(&cur); err != nil {
		return nil, err
	}
	if cur != n.gen {
		return nil, errors.New("directory compaction: written meanwhile")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM name_delta`); err != nil {
		return nil, err
	}
	for _, kv := range [][2]string{{metaGeneration, gen}, {metaBase, gen}} {
		if err := setMeta(ctx, tx, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	raw, err := index.Map(out.ix, gen)
	if err != nil {
		return nil, err
	}
	removeStaleIndexes(d.path, d.log)
	d.log.Info("directory name index compacted", "rows", raw.Len(), "delta", n.changed,
		"duration", time.Since(start).Round(time.Millisecond))
	return withBase(gen, raw), nil
}

// eachRow calls f with every row of n in rank-key order: the base's live rows and the delta's, merged.
func eachRow(n *names, f func(rk int64, words []string, x index.Extra)) {
	type row struct {
		rk    int64
		words []string
		x     index.Extra
	}
	var delta []row
	n.delta.Each(func(rk int64, words []string, x index.Extra) {
		delta = append(delta, row{rk, slices.Clone(words), index.Extra{Birth: x.Birth, Phone: x.Phone,
			Matricula: x.Matricula, Contracts: slices.Clone(x.Contracts)}})
	})
	j := 0
	n.base.Each(func(rk int64, words []string, x index.Extra) {
		for ; j < len(delta) && delta[j].rk < rk; j++ {
			f(delta[j].rk, delta[j].words, delta[j].x)
		}
		f(rk, words, x)
	})
	for ; j < len(delta); j++ {
		f(delta[j].rk, delta[j].words, delta[j].x)
	}
}

// removeStaleIndexes removes the index files next to the directory file at db that are not its current
// base's and that no process is installing (see built.publish). The current base is read again for each
// file, once locked, so that a base installed meanwhile is kept. Best effort; log nil: slog.Default().
func removeStaleIndexes(db string, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	dir, base := filepath.Dir(db), filepath.Base(db)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		gen, ok := strings.CutPrefix(e.Name(), base+indexInfix)
		if !ok || strings.ContainsAny(gen, ".-") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil && currentBase(db) != gen {
			if err := os.Remove(p); err == nil || errors.Is(err, fs.ErrNotExist) {
				log.Debug("directory stale name index removed", "file", p)
			}
		}
		_ = f.Close()
	}
}

// currentBase reads the base generation of the directory file at db, "" when it cannot.
func currentBase(db string) string {
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return ""
	}
	defer conn.Close()
	var v string
	if err := conn.QueryRow(`SELECT value FROM directory_meta WHERE key = ?`, metaBase).Scan(&v); err != nil {
		return ""
	}
	return v
}

// sortConflicts orders conflicts by line.
func sortConflicts(cs []Conflict) []Conflict {
	slices.SortFunc(cs, func(a, b Conflict) int { return cmp.Compare(a.Line, b.Line) })
	return cs
}
