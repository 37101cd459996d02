package directory

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/balcao/balcao/model"
)

// Builder gathers beneficiaries in memory, merged by identity, and writes them as a whole new directory in
// one go (the bulk path, see Install and Directory.Load): far faster than upserting them one by one. A
// Builder is not safe for concurrent use, and is spent once written.
type Builder struct {
	rows []*pending
	at   map[identity]int
	slab []pending // where new rows are kept: one allocation for many
}

// builderSlab is how many rows a Builder allocates at once.
const builderSlab = 4096

// NewBuilder returns a builder with room for about n beneficiaries (0 when unknown).
func NewBuilder(n int) *Builder {
	return &Builder{at: make(map[identity]int, n), rows: make([]*pending, 0, n)}
}

// Len is the number of identities gathered.
func (bk *Builder) Len() int { return len(bk.rows) }

// Add normalises b (see Normalize) and merges it into the build; it reports whether b's identity was there
// already. It fails, adding nothing, when b has no key.
func (bk *Builder) Add(b model.Beneficiary) (merged bool, err error) {
	nb, err := Normalize(b)
	if err != nil {
		return false, err
	}
	return bk.AddNormalized(nb), nil
}

// AddNormalized merges b, already normalised (see Normalize), into the build and reports whether its
// identity was there already. Beneficiaries of one identity merge as in Upsert.
func (bk *Builder) AddNormalized(b model.Beneficiary) bool {
	return bk.addPending(pending{key: identityOf(&b), b: b, rows: 1})
}

// addPending merges p into the build and reports whether its identity was already there.
func (bk *Builder) addPending(p pending) bool {
	if i, ok := bk.at[p.key]; ok {
		bk.rows[i].b = mergeFields(bk.rows[i].b, p.b)
		bk.rows[i].rows += p.rows
		return true
	}
	bk.at[p.key] = len(bk.rows)
	if len(bk.slab) == cap(bk.slab) {
		bk.slab = make([]pending, 0, builderSlab)
	}
	bk.slab = append(bk.slab, p)
	bk.rows = append(bk.rows, &bk.slab[len(bk.slab)-1])
	return false
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
		if _, err := bk.Add(each(i)); err != nil {
			return fmt.Errorf("build directory %s: beneficiary %d: %w", path, i, err)
		}
	}
	if err := bk.Install(ctx, path); err != nil {
		return fmt.Errorf("build directory %s: %w", path, err)
	}
	return nil
}

// Install writes the build into a new file next to path and puts it at path: renamed when path does not
// exist, else copied over it in one write transaction, so that readers of the old directory, of this process
// or others, see it until the new one is whole (a file written by a newer build is refused with ErrVersion).
// Nothing changes on failure. The builder is spent.
func (bk *Builder) Install(ctx context.Context, path string) error {
	tmp, _, err := bk.buildTemp(ctx, path)
	if err != nil {
		return err
	}
	defer removeTemp(tmp)
	return install(ctx, tmp, path)
}

// buildTemp writes bk into a new temporary file next to dst, which the caller removes, and returns its name
// index.
func (bk *Builder) buildTemp(ctx context.Context, dst string) (string, *names, error) {
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".build-*")
	if err != nil {
		return "", nil, fmt.Errorf("directory build: %w", err)
	}
	tmp := f.Name()
	_ = f.Close()
	n, err := bk.write(ctx, tmp)
	if err != nil {
		removeTemp(tmp)
		return "", nil, fmt.Errorf("directory build: %w", err)
	}
	return tmp, n, nil
}

// removeTemp removes a built file and what SQLite may have left beside it.
func removeTemp(tmp string) {
	for _, p := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(p)
	}
}

// install puts a built file at dst: renamed when dst does not exist, else restored over it (see restore).
func install(ctx context.Context, tmp, dst string) error {
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
	return restore(ctx, db, dst, tmp)
}
