package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
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
// of BatchSize (readers see each committed batch; the name index takes them as a delta, not rebuilt), many
// (at least 10,000 identities and a quarter of the directory, like a daily full export) by rebuilding the
// directory merged with them, much faster. Either way loading the same beneficiaries again changes nothing,
// and a rebuild is swapped in with one write, so readers see the old directory or the new one, never a mix.
// The builder is spent.
func (d *Directory) Load(ctx context.Context, bk *Builder, opts LoadOptions) (LoadCounts, error) {
	defer bk.Close()
	d.wmu.Lock()
	defer d.wmu.Unlock()
	n, err := d.Count(ctx)
	if err != nil {
		return LoadCounts{}, fmt.Errorf("directory load: %w", err)
	}
	if err := bk.merge(ctx); err != nil {
		return bk.counts, fmt.Errorf("directory load: %w", err)
	}
	c := bk.counts
	switch {
	case opts.Replace || n == 0:
		if err := checkShrink(n, bk.count, InstallOptions{AllowShrink: opts.AllowShrink}); err != nil {
			return c, fmt.Errorf("directory load: %w", err)
		}
		return c, d.installLocked(ctx, bk)
	case bk.count >= rebuildMin && 4*bk.count >= n:
		return d.rebuildMergedLocked(ctx, bk)
	}
	return d.upsertBatchesLocked(ctx, bk, opts.BatchSize)
}

// rebuildMergedLocked rebuilds the directory merged with bk's beneficiaries; d.wmu is held.
func (d *Directory) rebuildMergedLocked(ctx context.Context, bk *Builder) (LoadCounts, error) {
	c := bk.counts
	merged, err := d.NewBuilder()
	if err != nil {
		return c, err
	}
	defer merged.Close()
	if err := d.readAllInto(ctx, merged); err != nil {
		return c, fmt.Errorf("directory load: read directory: %w", err)
	}
	err = bk.each(ctx, func(_ int, b *model.Beneficiary) error {
		merged.AddNormalized(*b) // one row each: merged's counts tell which existed
		return merged.err
	})
	if err == nil {
		err = merged.merge(ctx)
	}
	if err != nil {
		return c, fmt.Errorf("directory load: %w", err)
	}
	existed := merged.counts.Updated // the identities of bk stored already
	c.Inserted -= existed
	c.Updated += existed
	err = d.installLocked(ctx, merged)
	bk.stats.Merge += merged.stats.Merge
	bk.stats.Write, bk.stats.Install = merged.stats.Write, merged.stats.Install
	bk.stats.Runs, bk.stats.Spilled = bk.stats.Runs+merged.stats.Runs, bk.stats.Spilled+merged.stats.Spilled
	return c, err
}

// each calls f with each merged beneficiary of the build and the input rows merged into it, in rank-key
// order; the build is spent.
func (bk *Builder) each(ctx context.Context, f func(rows int, b *model.Beneficiary) error) error {
	it, err := bk.ranked.finish()
	if err != nil {
		return err
	}
	defer it.close()
	var r rankedRow
	for i := 0; ; i++ {
		if i%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		_, v, ok := it.next()
		if !ok {
			break
		}
		var b model.Beneficiary
		if err := decodeRanked(v, &r); err != nil {
			return err
		}
		if err := decodeRec(r.rec, &b); err != nil {
			return err
		}
		if err := f(r.rows, &b); err != nil {
			return err
		}
	}
	return it.err()
}

// upsertBatchesLocked upserts bk's identities, batch identities per transaction; d.wmu is held.
func (d *Directory) upsertBatchesLocked(ctx context.Context, bk *Builder, batch int) (LoadCounts, error) {
	if batch <= 0 {
		batch = defaultBatch
	}
	c := LoadCounts{Conflicts: bk.counts.Conflicts}
	var ps []*pending
	flush := func() error {
		existed, err := d.writeBatchLocked(ctx, ps)
		if err != nil {
			return fmt.Errorf("directory load: write: %w", err)
		}
		for j, p := range ps {
			p.stored = existed[j]
			c.count(p)
		}
		ps = ps[:0]
		d.checkpoint(ctx)
		return nil
	}
	err := bk.each(ctx, func(rows int, b *model.Beneficiary) error {
		ps = append(ps, &pending{key: identityOf(b), b: *b, rows: rows})
		if len(ps) == batch {
			return flush()
		}
		return nil
	})
	if err == nil && len(ps) > 0 {
		err = flush()
	}
	return c, err
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

// installLocked builds bk and overwrites the open directory with it; d.wmu is held.
func (d *Directory) installLocked(ctx context.Context, bk *Builder) error {
	out, err := bk.build(ctx, d.path)
	if err != nil {
		return err
	}
	defer out.release()
	if err := out.publish(d.path); err != nil {
		return err
	}
	start := time.Now()
	if err := d.restoreLocked(ctx, out.db); err != nil {
		return err
	}
	bk.stats.Install = time.Since(start)
	if raw, err := index.Map(out.ix, out.gen); err == nil {
		d.installNames(withBase(out.gen, raw))
	}
	removeStaleIndexes(d.path, d.log)
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
		bk.addStored(&b)
		if bk.err != nil {
			return bk.err
		}
	}
	return rows.Err()
}
