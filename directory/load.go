package directory

import (
	"context"
	"fmt"
)

// LoadOptions tunes Load.
type LoadOptions struct {
	Replace     bool // the directory becomes the build's content alone (atomic), instead of upserting it
	AllowShrink bool // with Replace: a build of less than half the directory's beneficiaries is installed too (see ShrinkError)
	BatchSize   int  // identities per transaction when upserting a few (default 10,000)
}

// LoadCounts is what a Load did with the beneficiaries added to its builder: Inserted + Updated of them, and
// the rows the conflict rule dropped (see Builder.SetConflicts).
type LoadCounts struct {
	Inserted  int // beneficiaries of an identity new to the directory (the first of each)
	Updated   int // the others: merged into a stored beneficiary, or into an inserted one
	Conflicts []Conflict
}

// Defaults and thresholds of Load.
const (
	defaultBatch = 10_000
	rebuildMin   = 10_000 // the fewest identities that may rebuild the directory instead of upserting them
)

// Load writes the beneficiaries gathered in bk into the directory. With Replace — or into an empty directory
// — the directory becomes bk's content alone (a build of less than half the directory's beneficiaries is
// refused with a ShrinkError unless AllowShrink). Otherwise they are upserted (see Upsert): a few in batches
// of BatchSize (readers see each committed batch), many (at least 10,000 identities and a quarter of the
// directory, like a daily full export) by rebuilding the directory merged with them, much faster. Either way
// loading the same beneficiaries again changes nothing, and a rebuild is swapped in with one write, so
// readers see the old directory or the new one, never a mix. The builder is spent.
func (d *Directory) Load(ctx context.Context, bk *Builder, opts LoadOptions) (LoadCounts, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	n, err := d.Count(ctx)
	if err != nil {
		return LoadCounts{}, fmt.Errorf("directory load: %w", err)
	}
	c := bk.counts()
	switch {
	case opts.Replace || n == 0:
		if err := checkShrink(n, len(bk.merged), InstallOptions{AllowShrink: opts.AllowShrink}); err != nil {
			return c, fmt.Errorf("directory load: %w", err)
		}
		return c, d.installLocked(ctx, bk)
	case len(bk.merged) >= rebuildMin && 4*len(bk.merged) >= n:
		merged := NewBuilder(n + len(bk.merged))
		if err := d.readAllInto(ctx, merged); err != nil {
			return c, fmt.Errorf("directory load: read directory: %w", err)
		}
		for _, p := range bk.merged { // merged already, conflicts applied
			merged.in = append(merged.in, row{key: p.key, seq: len(merged.in) + 1, n: p.rows, b: p.b})
		}
		merged.merge()
		c = LoadCounts{Conflicts: c.Conflicts}
		for _, p := range merged.merged {
			c.count(p)
		}
		return c, d.installLocked(ctx, merged)
	}
	return c, d.upsertBatchesLocked(ctx, bk, opts.BatchSize, &c)
}

// count counts the beneficiaries merged into p.
func (c *LoadCounts) count(p *pending) {
	if p.stored {
		c.Updated += p.rows
		return
	}
	c.Inserted++
	c.Updated += p.rows - 1
}

// upsertBatchesLocked upserts bk's identities, batch identities per transaction; d.wmu is held.
func (d *Directory) upsertBatchesLocked(ctx context.Context, bk *Builder, batch int, c *LoadCounts) error {
	if batch <= 0 {
		batch = defaultBatch
	}
	*c = LoadCounts{Conflicts: c.Conflicts}
	for i := 0; i < len(bk.merged); i += batch {
		ps := bk.merged[i:min(i+batch, len(bk.merged))]
		existed, err := d.writeBatchLocked(ctx, ps)
		if err != nil {
			return fmt.Errorf("directory load: write: %w", err)
		}
		for j, p := range ps {
			q := *p
			q.stored = existed[j]
			c.count(&q)
		}
	}
	return nil
}

// installLocked builds bk and overwrites the open directory with it; d.wmu is held.
func (d *Directory) installLocked(ctx context.Context, bk *Builder) error {
	t, n, err := bk.buildTemp(ctx, d.path)
	if err != nil {
		return err
	}
	defer t.remove()
	if err := d.restoreLocked(ctx, t.path(buildDB)); err != nil {
		return err
	}
	d.installNames(n)
	return nil
}

// readAllInto adds every stored beneficiary to bk.
func (d *Directory) readAllInto(ctx context.Context, bk *Builder) error {
	rows, err := d.rdb.QueryContext(ctx, `SELECT `+columns+` FROM beneficiaries b ORDER BY b.rk`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		_, b, err := scan(rows)
		if err != nil {
			return err
		}
		bk.addStored(b)
	}
	return rows.Err()
}
