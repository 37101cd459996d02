package directory

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// Builder gathers beneficiaries and writes them as a whole new directory in one go (the bulk path, see
// Install and Directory.Load): far faster than upserting them one by one, in memory bounded whatever their
// number. Beneficiaries of one identity merge in the order they were added (see Upsert). A build goes
// through temporary files next to the directory (see RemoveLeftovers): the beneficiaries as added, sorted
// by identity in runs (pass 1); merged by identity and sorted in runs by rank key (pass 2); then written to
// the new file with the name index and the sorted keys (see write). A Builder is not safe for concurrent
// use; it is spent once written, and Close removes its files whatever happened.
type Builder struct {
	t         *buildTemp
	rows      *sorter // pass 1: by identity, then order of addition
	seq       uint64
	conflicts bool // the conflict rule of imports applies (see SetConflicts)
	err       error

	isMerged bool
	ranked   *sorter // pass 2: by rank key
	counts   LoadCounts
	count    int // identities

	key, val []byte // scratch
	stats    BuildStats
}

// BuildStats says where a build's time went, for benchmarks: the passes after the adding (see Builder).
type BuildStats struct {
	Merge   time.Duration // pass 2: the sort by identity merged, into the sort by rank key
	Write   time.Duration // pass 3: the new file, its index file and keys
	Install time.Duration // renaming it into place, or copying it over the directory
	Runs    int           // run files spilled by the sorts
	Spilled int64         // their bytes
}

// Stats says where the build's time went so far.
func (bk *Builder) Stats() BuildStats { return bk.stats }

// Conflict is a row of an import dropped because an other row of the same file gives its chaveUnica (the CPF,
// unless the file gives one) a different name: the file's last row of that chaveUnica is kept, with the rows
// of the same name.
type Conflict struct {
	Chave string // the chaveUnica (digits)
	Line  int    // the dropped row's line
	Kept  int    // the line of the row kept: the last of that chaveUnica in the file
}

// TooManyRowsError is a build where one chaveUnica has more rows than a build merges (maxGroup): an export
// repeating one key that often is broken.
type TooManyRowsError struct {
	Chave string
}

// Error says which key (masked).
func (e *TooManyRowsError) Error() string {
	return fmt.Sprintf("directory build: chaveUnica %s in more than %d rows", model.MaskCPF(e.Chave), maxGroup)
}

// maxGroup is how many rows of one chaveUnica a build takes.
const maxGroup = 100_000

// NewBuilder returns a builder of a directory to be installed at dst (or loaded into the directory there):
// its temporary files live next to dst.
func NewBuilder(dst string) (*Builder, error) {
	t, err := newBuildTemp(dst)
	if err != nil {
		return nil, err
	}
	return &Builder{t: t, rows: newSorter(t, "rows")}, nil
}

// NewBuilder returns a builder whose temporary files live next to the directory's file.
func (d *Directory) NewBuilder() (*Builder, error) { return NewBuilder(d.path) }

// Close removes the builder's temporary files; the builder is spent.
func (bk *Builder) Close() {
	if bk.err == nil {
		bk.err = errors.New("directory build: builder closed")
	}
	bk.t.remove()
}

// SetConflicts turns on the conflict rule of imports (see Conflict) for the rows added by AddLine.
func (bk *Builder) SetConflicts(on bool) { bk.conflicts = on }

// Len is the number of beneficiaries added.
func (bk *Builder) Len() int { return bk.rows.count }

// Add normalises b (see Normalize) and adds it to the build. It fails, adding nothing, when b has no key.
func (bk *Builder) Add(b model.Beneficiary) error {
	nb, err := Normalize(b)
	if err != nil {
		return err
	}
	bk.AddNormalized(nb)
	return bk.err
}

// AddNormalized adds b, already normalised (see Normalize), to the build.
func (bk *Builder) AddNormalized(b model.Beneficiary) { _ = bk.AddRow(NewRow(&b), 0) }

// AddLine adds b, already normalised (see Normalize), read from line of an import (see SetConflicts). It
// fails when the build failed (its temporary files could not be written): the build is then spent.
func (bk *Builder) AddLine(b model.Beneficiary, line int) error { return bk.AddRow(NewRow(&b), line) }

// Row is a beneficiary prepared for a build (see NewRow): what the build's passes need of it, computed by
// whichever goroutine makes it (an import's converters, side by side).
type Row struct {
	chave, card string
	rank        []byte // the pass 2 key: rank base, folded name, 0, chaveUnica, 0, card
	val         []byte // the pass 2 value without its row count (see appendRanked)
}

// NewRow prepares b, already normalised (see Normalize), for AddRow. It is safe for concurrent use.
func NewRow(b *model.Beneficiary) Row {
	return newRow(b, nil)
}

// newRow is NewRow with the record already encoded (rec, or nil). The key and value share one allocation.
func newRow(b *model.Beneficiary, rec []byte) Row {
	folded := model.FoldText(b.Name)
	nr := 8 + len(folded) + len(b.ChaveUnica) + len(b.Card) + 2
	size := recSize(b) + 3
	if rec != nil {
		size = len(rec) + 3
	}
	buf := make([]byte, 0, nr+size+2*len(folded)+len(b.ChaveUnica)+len(b.Card)+len(b.CPF)+64)
	rank := binary.BigEndian.AppendUint64(buf, uint64(index.RankBase(folded)))
	rank = append(append(append(append(append(rank, folded...), 0), b.ChaveUnica...), 0), b.Card...)
	rank = rank[:len(rank):len(rank)]
	val := buf[len(rank):len(rank)]
	if rec == nil {
		// the record is written in place after room for its length, then moved if the length takes less
		val = append(val, make([]byte, binary.MaxVarintLen32)...)
		val = appendRec(val, b)
		n := len(val) - binary.MaxVarintLen32
		k := binary.PutUvarint(val, uint64(n))
		copy(val[k:], val[binary.MaxVarintLen32:])
		val = appendExtra(val[:k+n], b, folded)
	} else {
		val = appendRanked(val, rec, b)
	}
	return Row{chave: b.ChaveUnica, card: b.Card, rank: rank, val: val}
}

// AddRow adds a row made by NewRow, read from line of an import (0: none, see SetConflicts). It fails when
// the build failed (its temporary files could not be written): the build is then spent.
func (bk *Builder) AddRow(r Row, line int) error {
	bk.seq++
	bk.addRow(&r, addedSeq|bk.seq, max(line, 0), 1)
	return bk.err
}

// Sequence numbers of pass 1: stored beneficiaries (Load's rebuild) merge before the ones added.
const addedSeq = 1 << 62

// addStored adds a beneficiary read from the directory: it merges before the rows added, and is never
// under the conflict rule.
func (bk *Builder) addStored(b *model.Beneficiary) {
	bk.seq++
	r := newRow(b, nil)
	bk.addRow(&r, bk.seq, 0, 0)
}

// addRow adds a row to pass 1: key chaveUnica, 0, card, 0, seq; value line, the input rows it stands for,
// the pass 2 key and value (see Row).
func (bk *Builder) addRow(r *Row, seq uint64, line, n int) {
	if bk.err != nil {
		return
	}
	bk.key = append(append(append(append(bk.key[:0], r.chave...), 0), r.card...), 0)
	bk.key = binary.BigEndian.AppendUint64(bk.key, seq)
	bk.val = binary.AppendUvarint(bk.val[:0], uint64(line))
	bk.val = binary.AppendUvarint(bk.val, uint64(n))
	bk.val = binary.AppendUvarint(bk.val, uint64(len(r.rank)))
	bk.val = append(append(bk.val, r.rank...), r.val...)
	bk.err = bk.rows.add(bk.key, bk.val)
}

// Conflicts are the rows the conflict rule dropped (see SetConflicts), by line, once the build is merged.
func (bk *Builder) Conflicts() []Conflict { return bk.counts.Conflicts }

// row is a pass 1 row, decoded.
type row struct {
	key    identity
	stored bool
	line   int
	n      int
	rank   []byte // the pass 2 key (a copy)
	val    []byte // the pass 2 value without its row count (a copy)
}

// folded is the row's folded name, from its pass 2 key.
func (r *row) folded() []byte {
	f, _, _ := bytes.Cut(r.rank[8:], []byte{0})
	return f
}

// merge runs pass 2, once: the rows by identity, merged (the conflict rule applied), into the rank-key sort.
func (bk *Builder) merge(ctx context.Context) error {
	if bk.isMerged || bk.err != nil {
		return bk.err
	}
	bk.isMerged = true
	defer func(start time.Time) { bk.stats.Merge = time.Since(start) }(time.Now())
	it, err := bk.rows.finish()
	if err != nil {
		bk.err = err
		return err
	}
	defer it.close()
	bk.ranked = newSorter(bk.t, "ranked")
	var group []row
	for i := 0; ; i++ {
		if i%8192 == 0 {
			if err := ctx.Err(); err != nil {
				bk.err = err
				return err
			}
		}
		k, v, ok := it.next()
		if ok && len(group) > 0 && sameGroup(&group[0], k) {
			if len(group) >= maxGroup {
				bk.err = &TooManyRowsError{Chave: group[0].key.chave}
				return bk.err
			}
		} else if len(group) > 0 {
			if err := bk.mergeGroup(group); err != nil {
				bk.err = err
				return err
			}
			group = group[:0]
		}
		if !ok {
			break
		}
		r, err := decodeRow(k, v)
		if err != nil {
			bk.err = err
			return err
		}
		group = append(group, r)
	}
	if err := it.err(); err != nil {
		bk.err = err
	}
	bk.counts.Conflicts = sortConflicts(bk.counts.Conflicts)
	return bk.err
}

// sameGroup reports whether the pass 1 key k is of r's group: its chaveUnica, or, without one, its identity.
func sameGroup(r *row, k []byte) bool {
	chave, rest, _ := bytes.Cut(k, []byte{0})
	if string(chave) != r.key.chave {
		return false
	}
	card, _, _ := bytes.Cut(rest, []byte{0})
	return r.key.chave != "" || string(card) == r.key.card
}

// decodeRow decodes a pass 1 record.
func decodeRow(k, v []byte) (row, error) {
	var r row
	chave, rest, _ := bytes.Cut(k, []byte{0})
	card, seq, _ := bytes.Cut(rest, []byte{0})
	if len(seq) != 8 {
		return r, errRecCorrupt
	}
	r.key = identity{string(chave), string(card)}
	r.stored = binary.BigEndian.Uint64(seq)&addedSeq == 0
	var at int
	for _, dst := range []*int{&r.line, &r.n} {
		x, k := binary.Uvarint(v[at:])
		if k <= 0 {
			return r, errRecCorrupt
		}
		*dst, at = int(x), at+k
	}
	l, k2 := binary.Uvarint(v[at:])
	if k2 <= 0 || l < 9 || l > uint64(len(v)-at-k2) {
		return r, errRecCorrupt
	}
	at += k2
	both := append([]byte(nil), v[at:]...)
	r.rank, r.val = both[:l:l], both[l:]
	return r, nil
}

// mergeGroup applies the conflict rule to a group's rows (see sameGroup), merges each identity's rows in
// order and hands the results to pass 2.
func (bk *Builder) mergeGroup(group []row) error {
	if bk.conflicts && len(group) > 1 && group[0].key.chave != "" {
		group = bk.dropConflicts(group)
	}
	for len(group) > 0 {
		k := 1
		for k < len(group) && group[k].key == group[0].key {
			k++
		}
		if err := bk.emit(group[:k]); err != nil {
			return err
		}
		group = group[k:]
	}
	return nil
}

// dropConflicts applies the conflict rule to the rows of one chaveUnica (in identity order): the import's
// rows whose name differs from that of its last row go, each recorded as a Conflict.
func (bk *Builder) dropConflicts(group []row) []row {
	last := -1
	for i, r := range group {
		if r.line > 0 && (last < 0 || r.line > group[last].line) {
			last = i
		}
	}
	if last < 0 {
		return group
	}
	kept, keptLine := group[last].folded(), group[last].line
	out := group[:0:0]
	for _, r := range group {
		if r.line > 0 && !bytes.Equal(r.folded(), kept) {
			bk.counts.Conflicts = append(bk.counts.Conflicts, Conflict{Chave: r.key.chave, Line: r.line, Kept: keptLine})
			continue
		}
		out = append(out, r)
	}
	return out
}

// emit merges the rows of one identity, in order, and adds the beneficiary to pass 2 (see Row). A lone row
// goes on as prepared.
func (bk *Builder) emit(rs []row) error {
	p := pending{key: rs[0].key}
	for _, r := range rs {
		p.rows += r.n
		p.stored = p.stored || r.stored
	}
	bk.counts.count(&p)
	bk.count++
	rank, val := rs[0].rank, rs[0].val
	if len(rs) > 1 {
		var rr rankedRow
		for i, r := range rs {
			var b model.Beneficiary
			if err := decodeRanked(append([]byte{0}, r.val...), &rr); err != nil {
				return err
			}
			if err := decodeRec(rr.rec, &b); err != nil {
				return err
			}
			if i == 0 {
				p.b = b
			} else {
				p.b = mergeFields(p.b, b)
			}
		}
		row := newRow(&p.b, nil)
		rank, val = row.rank, row.val
	}
	bk.val = append(binary.AppendUvarint(bk.val[:0], uint64(p.rows)), val...)
	return bk.ranked.add(rank, bk.val)
}

// Build fills a new directory file at path with n beneficiaries from each(i), i = 0..n-1, through the bulk
// path, and installs it (see Builder.Install). Beneficiaries sharing an identity are merged.
func Build(ctx context.Context, path string, n int, each func(i int) model.Beneficiary) error {
	bk, err := NewBuilder(path)
	if err != nil {
		return fmt.Errorf("build directory %s: %w", path, err)
	}
	defer bk.Close()
	for i := 0; i < n; i++ {
		if i%10_000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := bk.Add(each(i)); err != nil {
			return fmt.Errorf("build directory %s: beneficiary %d: %w", path, i, err)
		}
	}
	if _, err := bk.Install(ctx, path, InstallOptions{AllowShrink: true}); err != nil {
		return fmt.Errorf("build directory %s: %w", path, err)
	}
	return nil
}

// InstallOptions tunes Install.
type InstallOptions struct {
	// AllowShrink lets the build replace a directory of more than twice its beneficiaries (see ShrinkError).
	AllowShrink bool
}

// ShrinkError is a build that would replace a directory of Have beneficiaries with fewer than half as many
// (Want): an export cut short looks like that, so it is refused unless asked for.
type ShrinkError struct {
	Have, Want int
}

// Error says what the build would have done.
func (e *ShrinkError) Error() string {
	return fmt.Sprintf("directory: the build has %d beneficiaries, less than half the %d of the directory", e.Want, e.Have)
}

// Install writes the build into a new file next to path and puts it at path: renamed when path does not
// exist, else copied over it in one write transaction, so that readers of the old directory, of this process
// or others, see it until the new one is whole (a file written by a newer build is refused with ErrVersion,
// a build of less than half the directory's beneficiaries with a ShrinkError unless opts allow it). Nothing
// changes on failure. It returns what the build did with the beneficiaries added. The builder is spent.
func (bk *Builder) Install(ctx context.Context, path string, opts InstallOptions) (LoadCounts, error) {
	defer bk.Close()
	if err := bk.merge(ctx); err != nil {
		return bk.counts, err
	}
	if _, err := os.Stat(path); err == nil {
		if err := checkInstall(ctx, path, bk.count, opts); err != nil {
			return bk.counts, err
		}
	}
	out, err := bk.build(ctx, path)
	if err != nil {
		return bk.counts, err
	}
	defer out.release()
	start := time.Now()
	err = install(ctx, out, path, bk.count, opts)
	bk.stats.Install = time.Since(start)
	return bk.counts, err
}

// testHook, when set (by tests), runs at named points of a build; a crash test's helper process stops there.
var testHook func(point string)

// hook runs testHook at point.
func hook(point string) {
	if testHook != nil {
		testHook(point)
	}
}

// checkInstall refuses early what install would: a newer build's file, or a shrink not allowed.
func checkInstall(ctx context.Context, dst string, count int, opts InstallOptions) error {
	info, err := Inspect(ctx, dst)
	switch {
	case err != nil:
		return fmt.Errorf("directory install %s: %w", dst, err)
	case info.TooNew:
		return fmt.Errorf("directory install %s: %w", dst, tooNew(info.Version))
	}
	if err := checkShrink(info.Beneficiaries, count, opts); err != nil {
		return fmt.Errorf("directory install %s: %w", dst, err)
	}
	return nil
}

// install puts a built file of count beneficiaries at dst: renamed when dst does not exist, else restored
// over it (see restore).
func install(ctx context.Context, out *built, dst string, count int, opts InstallOptions) error {
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		// a WAL left without its database belongs to no file any more: never let it meet the new one
		_ = os.Remove(dst + "-wal")
		_ = os.Remove(dst + "-shm")
		if err := out.publish(dst); err != nil {
			return err
		}
		if err := os.Rename(out.db, dst); err != nil {
			return fmt.Errorf("directory install %s: %w", dst, err)
		}
		syncDir(dst)
		removeStaleIndexes(dst, nil)
		return nil
	}
	db, err := openPool(dst, false)
	if err != nil {
		return fmt.Errorf("directory install: %w", err)
	}
	defer db.Close()
	// the file's content goes: only a newer build's file is kept from harm (it may be in use by that build)
	if v, found, err := readVersion(ctx, db); err != nil {
		return fmt.Errorf("directory install %s: %w", dst, err)
	} else if found && v.Layout > LayoutVersion {
		return fmt.Errorf("directory install %s: %w", dst, tooNew(v))
	}
	if err := checkShrink(storedCount(ctx, db), count, opts); err != nil {
		return fmt.Errorf("directory install %s: %w", dst, err)
	}
	if err := out.publish(dst); err != nil {
		return err
	}
	if err := restore(ctx, db, dst, out.db); err != nil {
		return err
	}
	removeStaleIndexes(dst, nil)
	return nil
}

// checkShrink refuses, unless opts allow it, to replace a directory of have beneficiaries with want.
func checkShrink(have, want int, opts InstallOptions) error {
	if !opts.AllowShrink && 2*want < have {
		return &ShrinkError{Have: have, Want: want}
	}
	return nil
}

// appendRanked appends the rest of a pass 2 value (after the input rows merged, see rankedRow): the record,
// the name index's extra (birth, phone, matrícula, contracts), the name's words and the keys, as unsigned
// varints and length-prefixed strings.
func appendRanked(dst, rec []byte, b *model.Beneficiary) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(rec)))
	dst = append(dst, rec...)
	return appendExtra(dst, b, model.FoldText(b.Name))
}

// appendExtra appends what follows the record in a pass 2 value (see appendRanked); folded is b's name folded.
func appendExtra(dst []byte, b *model.Beneficiary, folded string) []byte {
	x := index.ExtraOf(b)
	dst = binary.AppendUvarint(dst, uint64(x.Birth))
	dst = binary.AppendUvarint(dst, uint64(x.Phone))
	dst = binary.AppendUvarint(dst, uint64(x.Matricula))
	dst = binary.AppendUvarint(dst, uint64(len(x.Contracts)))
	for _, c := range x.Contracts {
		dst = binary.AppendUvarint(dst, uint64(c))
	}
	var ws [maxNameWords]string
	words := appendWords(ws[:0], folded)
	dst = binary.AppendUvarint(dst, uint64(len(words)))
	for _, w := range words {
		dst = binary.AppendUvarint(dst, uint64(len(w)))
		dst = append(dst, w...)
	}
	type key struct {
		kind byte
		v    string
	}
	keys := [3]key{{keyChave, b.ChaveUnica}, {keyCard, b.Card}, {keyCPF, b.CPF}}
	held := func(k key) bool { return k.v != "" && (k.kind != keyCPF || b.CPF != b.ChaveUnica) } // see appendKeys
	n := 0
	for _, k := range keys {
		if held(k) {
			n++
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	for _, k := range keys {
		if held(k) {
			dst = binary.AppendUvarint(dst, uint64(1+len(k.v)))
			dst = append(append(dst, k.kind), k.v...)
		}
	}
	return dst
}

// maxNameWords is how many words of a name fit appendWords' array without allocating.
const maxNameWords = 16

// appendWords appends the distinct words of a folded name, in order (as index.Words, without allocating).
func appendWords(dst []string, folded string) []string {
	for len(folded) > 0 {
		w, rest, _ := strings.Cut(folded, " ")
		folded = rest
		if w != "" && !slices.Contains(dst, w) {
			dst = append(dst, w)
		}
	}
	return dst
}
