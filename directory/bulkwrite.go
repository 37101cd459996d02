package directory

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/internal/migrate"
)

// bulkDSN opens a file being built: no journal, no syncs (the file is synced once whole), one connection,
// no mapping (the resident size stays the page cache's, not the process's).
func bulkDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(OFF)")
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-8192)")
	q.Add("_pragma", "mmap_size(0)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	return "file:" + path + "?" + q.Encode()
}

// built is a build written: the new directory file and its name index file, companions of the build until
// installed.
type built struct {
	db, ix string
	gen    string   // the generation of both
	lock   *os.File // a shared lock on the index file, from its publication until release
}

// buildDB and buildIndex are the companions a build writes the new directory file and its index file to.
const (
	buildDB    = "db"
	buildIndex = "index"
)

// build runs pass 3: writes the merged beneficiaries into a new file next to dst, with its name index file.
func (bk *Builder) build(ctx context.Context, dst string) (*built, error) {
	db, err := bk.t.create(buildDB)
	if err != nil {
		return nil, err
	}
	out := &built{db: db, ix: bk.t.path(buildIndex), gen: newGeneration()}
	defer func(start time.Time) {
		bk.stats.Write = time.Since(start)
		bk.stats.Runs, bk.stats.Spilled = bk.t.spilled()
	}(time.Now())
	hook("build-created")
	if err := bk.write(ctx, out); err != nil {
		return nil, fmt.Errorf("directory build: %w", contextOr(ctx, err))
	}
	if err := syncFile(db); err != nil {
		return nil, fmt.Errorf("directory build: %w", err)
	}
	hook("build-written")
	return out, nil
}

// publish puts the index file at its name next to dst (see indexPath), held by a shared lock until release,
// so that no start takes it for a stale one before the directory naming it is installed.
func (b *built) publish(dst string) error {
	f, err := os.Open(b.ix)
	if err != nil {
		return fmt.Errorf("directory install: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		_ = f.Close()
		return fmt.Errorf("directory install: %w", err)
	}
	final := indexPath(dst, b.gen)
	if err := os.Rename(b.ix, final); err != nil {
		_ = f.Close()
		return fmt.Errorf("directory install: %w", err)
	}
	b.ix, b.lock = final, f
	syncDir(final)
	return nil
}

// release lets the published index file go.
func (b *built) release() {
	if b.lock != nil {
		_ = b.lock.Close()
		b.lock = nil
	}
}

// syncFile flushes a file to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes the directory holding path (a rename in it), best effort.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// createFile makes a companion file of the build (0600) for the index file's parts.
func (t *buildTemp) createFile(name string) (*os.File, error) {
	return os.OpenFile(t.path(name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// write creates the directory in the empty file out.db and its index file: SQLite makes the tables, the
// beneficiaries are written straight into pages in rank-key order (see treeWriter) as they come out of the
// rank-key sort, their rows to the index file and their keys to the keys' sort; then the keys, sorted,
// while the index file is finished beside; then SQLite writes the meta rows.
func (bk *Builder) write(ctx context.Context, out *built) error {
	it, err := bk.ranked.finish()
	if err != nil {
		return err
	}
	defer it.close()
	roots, err := createForPages(ctx, out.db)
	if err != nil {
		return err
	}
	pf, err := openPageFile(out.db)
	if err != nil {
		return err
	}
	ix, err := index.NewFileWriter(out.ix, bk.t.createFile)
	if err != nil {
		_ = pf.close()
		return err
	}
	defer ix.Abort()
	keys := newSorter(bk.t, "keys")
	if err := bk.writeRows(ctx, it, newTreeWriter(pf, roots[0], false), ix, keys); err != nil {
		_ = pf.close()
		return err
	}
	indexed := make(chan error, 1)
	go func() { indexed <- ix.Finish(out.gen) }()
	err = writeKeys(ctx, keys, newTreeWriter(pf, roots[1], true))
	err = errors.Join(err, pf.close(), <-indexed)
	if err != nil {
		return err
	}
	return writeBuiltMeta(ctx, out.db, bk.count, out.gen)
}

// writeRows reads the rank-key sort, gives each beneficiary its rank key (see index.NextRank) and writes
// its row, its index row and its keys.
func (bk *Builder) writeRows(ctx context.Context, it recordIter, bens *treeWriter, ix *index.FileWriter, keys *sorter) error {
	var (
		r           rankedRow
		rk, prev    int64
		rec, keyBuf []byte
	)
	for j := 0; ; j++ {
		if j%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if j == 256 {
			hook("build-records")
		}
		k, v, ok := it.next()
		if !ok {
			break
		}
		base := int64(binary.BigEndian.Uint64(k[:8]))
		var fits bool
		if rk, fits = index.NextRank(base, rk, j > 0 && prev == base); !fits {
			return ErrRankFull
		}
		prev = base
		if err := decodeRanked(v, &r); err != nil {
			return err
		}
		rec = benRecord(rec[:0], r.rec)
		if err := bens.addRow(rk, rec); err != nil {
			return err
		}
		ix.AddBytes(rk, r.words, r.extra)
		for _, key := range r.keys {
			keyBuf = binary.BigEndian.AppendUint64(append(append(keyBuf[:0], key...), 0), uint64(rk))
			if err := keys.add(keyBuf, nil); err != nil {
				return err
			}
		}
	}
	if err := it.err(); err != nil {
		return err
	}
	return bens.finish()
}

// writeKeys writes the keys' sort (key, 0, rank key as 8 bytes) into the keys tree.
func writeKeys(ctx context.Context, keys *sorter, t *treeWriter) error {
	it, err := keys.finish()
	if err != nil {
		return err
	}
	defer it.close()
	var rec []byte
	for j := 0; ; j++ {
		if j%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k, _, ok := it.next()
		if !ok {
			break
		}
		if len(k) < 9 {
			return errRecCorrupt
		}
		rec = keyRecord(rec[:0], k[:len(k)-9], int64(binary.BigEndian.Uint64(k[len(k)-8:])))
		if err := t.addEntry(rec); err != nil {
			return err
		}
	}
	if err := it.err(); err != nil {
		return err
	}
	return t.finish()
}

// writeBuiltMeta writes the meta rows and layout version of a built file through SQLite.
func writeBuiltMeta(ctx context.Context, path string, count int, gen string) error {
	db, err := sql.Open("sqlite", bulkDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := writeMeta(ctx, tx, count, gen, gen); err != nil {
		return err
	}
	if err := migrate.Set(ctx, tx, LayoutVersion); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return db.Close()
}

// rankedRow is a pass 2 value, decoded (see appendRanked); its slices are the value's.
type rankedRow struct {
	rows  int // the input rows merged into it
	rec   []byte
	extra index.Extra
	words [][]byte
	keys  [][]byte
}

// decodeRanked decodes a pass 2 value into r, reusing its slices.
func decodeRanked(v []byte, r *rankedRow) error {
	bad := false
	uv := func() uint64 {
		x, k := binary.Uvarint(v)
		if k <= 0 {
			bad = true
			return 0
		}
		v = v[k:]
		return x
	}
	bytesOf := func() []byte {
		n := uv()
		if bad || n > uint64(len(v)) {
			bad = true
			return nil
		}
		b := v[:n]
		v = v[n:]
		return b
	}
	r.rows = int(uv())
	r.rec = bytesOf()
	r.extra.Birth, r.extra.Phone, r.extra.Matricula = uint16(uv()), uint32(uv()), uint32(uv())
	r.extra.Contracts = r.extra.Contracts[:0]
	for n := uv(); n > 0 && !bad; n-- {
		r.extra.Contracts = append(r.extra.Contracts, uint32(uv()))
	}
	r.words = r.words[:0]
	for n := uv(); n > 0 && !bad; n-- {
		r.words = append(r.words, bytesOf())
	}
	r.keys = r.keys[:0]
	for n := uv(); n > 0 && !bad; n-- {
		r.keys = append(r.keys, bytesOf())
	}
	if bad {
		return errRecCorrupt
	}
	return nil
}
