package directory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/balcao/balcao/model"
)

// Builder gathers beneficiaries and writes them as a whole new directory in one go (the bulk path, see
// Install and Directory.Load): far faster than upserting them one by one. Beneficiaries of one identity
// merge in the order they were added (see Upsert). A Builder is not safe for concurrent use, and is spent
// once written.
type Builder struct {
	in        []row
	conflicts bool // the conflict rule of imports applies (see SetConflicts)

	merged   []*pending // one per identity, once merged (see merge)
	found    []Conflict
	isMerged bool
}

// row is one beneficiary as added to a build.
type row struct {
	key  identity
	seq  int // order of addition: rows of one identity merge in this order
	line int // the import's line (> 0: under the conflict rule); 0 for a stored beneficiary or one added without
	n    int // the beneficiaries added it stands for (0 for a stored one)
	b    model.Beneficiary
}

// Conflict is a row of an import dropped because an other row of the same file gives its chaveUnica (the CPF,
// unless the file gives one) a different name: the file's last row of that chaveUnica is kept, with the rows
// of the same name.
type Conflict struct {
	Chave string // the chaveUnica (digits)
	Line  int    // the dropped row's line
	Kept  int    // the line of the row kept: the last of that chaveUnica in the file
}

// NewBuilder returns a builder with room for about n beneficiaries (0 when unknown).
func NewBuilder(n int) *Builder {
	return &Builder{in: make([]row, 0, n)}
}

// SetConflicts turns on the conflict rule of imports (see Conflict) for the rows added by AddLine.
func (bk *Builder) SetConflicts(on bool) { bk.conflicts = on }

// Len is the number of beneficiaries added.
func (bk *Builder) Len() int { return len(bk.in) }

// Add normalises b (see Normalize) and adds it to the build. It fails, adding nothing, when b has no key.
func (bk *Builder) Add(b model.Beneficiary) error {
	nb, err := Normalize(b)
	if err != nil {
		return err
	}
	bk.AddNormalized(nb)
	return nil
}

// AddNormalized adds b, already normalised (see Normalize), to the build.
func (bk *Builder) AddNormalized(b model.Beneficiary) { bk.AddLine(b, 0) }

// AddLine adds b, already normalised (see Normalize), read from line of an import (see SetConflicts).
func (bk *Builder) AddLine(b model.Beneficiary, line int) {
	bk.in = append(bk.in, row{key: identityOf(&b), seq: len(bk.in) + 1, line: max(line, 0), n: 1, b: b})
}

// addStored adds a beneficiary read from the directory: it merges before the rows added, and is never
// under the conflict rule.
func (bk *Builder) addStored(b model.Beneficiary) {
	bk.in = append(bk.in, row{key: identityOf(&b), seq: -len(bk.in) - 1, b: b})
}

// Conflicts are the rows the conflict rule dropped (see SetConflicts), in the order of their lines, once the
// build was written.
func (bk *Builder) Conflicts() []Conflict { return bk.found }

// merge merges the rows by identity, once, applying the conflict rule.
func (bk *Builder) merge() {
	if bk.isMerged {
		return
	}
	bk.isMerged = true
	in := bk.in
	bk.in = nil
	slices.SortFunc(in, func(a, b row) int {
		return cmp.Or(strings.Compare(a.key.chave, b.key.chave), strings.Compare(a.key.card, b.key.card), cmp.Compare(a.seq, b.seq))
	})
	slab := make([]pending, 0, len(in))
	for len(in) > 0 {
		n := 1
		for n < len(in) && in[n].key.chave == in[0].key.chave {
			n++
		}
		group := in[:n]
		in = in[n:]
		if bk.conflicts && group[0].key.chave != "" {
			group = bk.dropConflicts(group)
		}
		for len(group) > 0 {
			k := 1
			for k < len(group) && group[k].key == group[0].key {
				k++
			}
			slab = append(slab, mergeRows(group[:k]))
			bk.merged = append(bk.merged, &slab[len(slab)-1])
			group = group[k:]
		}
	}
	slices.SortFunc(bk.found, func(a, b Conflict) int { return cmp.Compare(a.Line, b.Line) })
}

// dropConflicts applies the conflict rule to the rows of one chaveUnica (in identity order): the import's
// rows whose name differs from that of its last row go, each recorded as a Conflict.
func (bk *Builder) dropConflicts(group []row) []row {
	last := -1
	for i, r := range group {
		if r.line > 0 && (last < 0 || r.seq > group[last].seq) {
			last = i
		}
	}
	if last < 0 {
		return group
	}
	kept, keptLine := model.FoldText(group[last].b.Name), group[last].line
	out := group[:0:0]
	for _, r := range group {
		if r.line > 0 && model.FoldText(r.b.Name) != kept {
			bk.found = append(bk.found, Conflict{Chave: r.key.chave, Line: r.line, Kept: keptLine})
			continue
		}
		out = append(out, r)
	}
	return out
}

// mergeRows merges the rows of one identity, in order, into one pending beneficiary.
func mergeRows(rs []row) pending {
	p := pending{key: rs[0].key, b: rs[0].b}
	for i, r := range rs {
		if i > 0 {
			p.b = mergeFields(p.b, r.b)
		}
		p.rows += r.n
		p.stored = p.stored || r.seq < 0
	}
	return p
}

// Build fills a new directory file at path with n beneficiaries from each(i), i = 0..n-1, through the bulk
// path, and installs it (see Builder.Install). Beneficiaries sharing an identity are merged.
func Build(ctx context.Context, path string, n int, each func(i int) model.Beneficiary) error {
	bk := NewBuilder(n)
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
	c := bk.counts()
	count := len(bk.merged)
	t, _, err := bk.buildTemp(ctx, path)
	if err != nil {
		return c, err
	}
	defer t.remove()
	return c, install(ctx, t.path(buildDB), path, count, opts)
}

// counts merges the build and says what it does with the rows added, into an empty directory.
func (bk *Builder) counts() LoadCounts {
	bk.merge()
	var c LoadCounts
	for _, p := range bk.merged {
		c.count(p)
	}
	c.Conflicts = bk.found
	return c
}

// buildDB is the companion a build writes the new directory file to.
const buildDB = "db"

// buildTemp writes bk into a new temporary file next to dst and returns the build's files, which the caller
// removes, and its name index.
func (bk *Builder) buildTemp(ctx context.Context, dst string) (*buildTemp, *names, error) {
	bk.merge()
	t, err := newBuildTemp(dst)
	if err != nil {
		return nil, nil, err
	}
	db, err := t.create(buildDB)
	if err != nil {
		t.remove()
		return nil, nil, err
	}
	hook("build-created")
	n, err := bk.write(ctx, db)
	if err != nil {
		t.remove()
		return nil, nil, fmt.Errorf("directory build: %w", err)
	}
	hook("build-written")
	return t, n, nil
}

// testHook, when set (by tests), runs at named points of a build; a crash test's helper process stops there.
var testHook func(point string)

// hook runs testHook at point.
func hook(point string) {
	if testHook != nil {
		testHook(point)
	}
}

// install puts a built file of count beneficiaries at dst: renamed when dst does not exist, else restored
// over it (see restore).
func install(ctx context.Context, tmp, dst string, count int, opts InstallOptions) error {
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		// a WAL left without its database belongs to no file any more: never let it meet the new one
		_ = os.Remove(dst + "-wal")
		_ = os.Remove(dst + "-shm")
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("directory install %s: %w", dst, err)
		}
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
	return restore(ctx, db, dst, tmp)
}

// checkShrink refuses, unless opts allow it, to replace a directory of have beneficiaries with want.
func checkShrink(have, want int, opts InstallOptions) error {
	if !opts.AllowShrink && 2*want < have {
		return &ShrinkError{Have: have, Want: want}
	}
	return nil
}
