package directory

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPageWriterMakesWhatSQLiteReads writes both B-trees of a directory file straight into its pages — a
// few rows (the root a leaf), many (three levels), records and keys long enough to spill to overflow pages —
// and checks that SQLite finds the file whole (PRAGMA integrity_check) and reads back every row in order.
func TestPageWriterMakesWhatSQLiteReads(t *testing.T) {
	for _, c := range []struct {
		name       string
		rows, long int // rows, and one in long has a long record and key
	}{{"empty", 0, 1}, {"one leaf", 3, 1 << 30}, {"levels", 60_000, 97}, {"overflow", 2000, 5}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "d.db")
			roots, err := createForPages(ctx, path)
			require.NoError(t, err)
			pf, err := openPageFile(path)
			require.NoError(t, err)
			r := rand.New(rand.NewPCG(1, uint64(c.rows)))
			type row struct {
				rk  int64
				rec []byte
			}
			var rows []row
			var keys [][2]any
			rk := int64(0)
			for i := range c.rows {
				rk += 1 + r.Int64N(1<<40)
				n := 20 + r.IntN(200)
				if i%c.long == 0 {
					n = 4000 + r.IntN(20_000)
				}
				rec := make([]byte, n)
				for j := range rec {
					rec[j] = byte(r.IntN(256))
				}
				rows = append(rows, row{rk, rec})
				k := fmt.Sprintf("u%011d", r.IntN(1e9))
				if i%c.long == 0 {
					k += string(bytes.Repeat([]byte("x"), 900+r.IntN(3000)))
				}
				keys = append(keys, [2]any{k, rk}, [2]any{fmt.Sprintf("c%017d", i), rk})
			}
			slices.SortFunc(keys, func(a, b [2]any) int {
				if c := bytes.Compare([]byte(a[0].(string)), []byte(b[0].(string))); c != 0 {
					return c
				}
				return int(a[1].(int64) - b[1].(int64))
			})
			bens := newTreeWriter(pf, roots[0], false)
			var rec []byte
			for _, x := range rows {
				rec = benRecord(rec[:0], x.rec)
				require.NoError(t, bens.addRow(x.rk, rec))
			}
			require.NoError(t, bens.finish())
			ks := newTreeWriter(pf, roots[1], true)
			for _, k := range keys {
				rec = keyRecord(rec[:0], []byte(k[0].(string)), k[1].(int64))
				require.NoError(t, ks.addEntry(rec))
			}
			require.NoError(t, ks.finish())
			require.NoError(t, pf.close())

			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			defer db.Close()
			var check string
			require.NoError(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&check))
			require.Equal(t, "ok", check)
			got, err := db.Query(`SELECT rk, rec FROM beneficiaries ORDER BY rk`)
			require.NoError(t, err)
			i := 0
			for got.Next() {
				var x row
				require.NoError(t, got.Scan(&x.rk, &x.rec))
				require.Equal(t, rows[i].rk, x.rk)
				require.Equal(t, rows[i].rec, x.rec, "row %d", i)
				i++
			}
			require.NoError(t, got.Err())
			assert.Equal(t, len(rows), i)
			for _, k := range keys[:min(len(keys), 500)] {
				var found int64
				require.NoError(t, db.QueryRow(`SELECT rk FROM keys WHERE key = ? AND rk = ?`, k[0], k[1]).Scan(&found))
			}
			var n int
			require.NoError(t, db.QueryRow(`SELECT count(*) FROM keys`).Scan(&n))
			assert.Equal(t, len(keys), n)
			if len(rows) > 0 {
				var rec []byte
				require.NoError(t, db.QueryRow(`SELECT rec FROM beneficiaries WHERE rk = ?`, rows[len(rows)/2].rk).Scan(&rec))
				assert.Equal(t, rows[len(rows)/2].rec, rec)
			}
		})
	}
}

// TestAppendVarint checks SQLite's varint against its definition at the lengths' edges.
func TestAppendVarint(t *testing.T) {
	decode := func(b []byte) (uint64, int) {
		var v uint64
		for i := 0; i < 8; i++ {
			v = v<<7 | uint64(b[i]&0x7f)
			if b[i]&0x80 == 0 {
				return v, i + 1
			}
		}
		return v<<8 | uint64(b[8]), 9
	}
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1<<21 - 1, 1 << 21, 1<<56 - 1, 1 << 56, 1<<63 + 5, ^uint64(0)} {
		b := appendVarint(nil, int64(v))
		got, n := decode(b)
		assert.Equal(t, v, got, "%d", v)
		assert.Equal(t, len(b), n, "%d", v)
	}
}

// TestBuiltLeavesTakeUpsertsWithoutSplitting builds a beneficiaries tree with its leaves full and with the
// room a build leaves (see LeafFill), inserts rows through SQLite into a tenth of its leaves, one row each,
// and counts the pages the transaction wrote to the write-ahead log: with room, about one per row (the leaf);
// full, a split each (the leaf, its siblings, a new page, the parent).
func TestBuiltLeavesTakeUpsertsWithoutSplitting(t *testing.T) {
	const rows, every = 20_000, 250 // ~25 rows a leaf: one insert in every tenth leaf
	frames := map[int]int{}
	for _, slack := range []int{0, leafSlack} {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "d.db")
		roots, err := createForPages(ctx, path)
		require.NoError(t, err)
		pf, err := openPageFile(path)
		require.NoError(t, err)
		bens := newTreeWriter(pf, roots[0], false)
		bens.leaf.slack = slack
		rec := make([]byte, 150)
		var cell []byte
		for i := range rows {
			cell = benRecord(cell[:0], rec)
			require.NoError(t, bens.addRow(int64(i)*1000, cell))
		}
		require.NoError(t, bens.finish())
		require.NoError(t, newTreeWriter(pf, roots[1], true).finish())
		require.NoError(t, pf.close())

		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
		require.NoError(t, err)
		db.SetMaxOpenConns(1)
		tx, err := db.Begin()
		require.NoError(t, err)
		for i := every / 2; i < rows; i += every {
			_, err := tx.Exec(`INSERT INTO beneficiaries(rk, rec) VALUES (?, ?)`, int64(i)*1000+500, benRecord(nil, rec))
			require.NoError(t, err)
		}
		require.NoError(t, tx.Commit())
		st, err := os.Stat(path + "-wal")
		require.NoError(t, err)
		frames[slack] = int(st.Size()-32) / (24 + pageSize)
		var check string
		require.NoError(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&check))
		require.Equal(t, "ok", check, "slack %d", slack)
		require.NoError(t, db.Close())
	}
	inserts := rows / every
	t.Logf("pages written for %d inserts: %d into full leaves, %d into built ones", inserts, frames[0], frames[leafSlack])
	assert.LessOrEqual(t, frames[leafSlack], inserts+inserts/10, "built leaves: about one page an insert")
	assert.Greater(t, frames[0], 2*inserts, "full leaves split (else this test shows nothing)")
}

// A directory over 1 GiB: the page holding SQLite's lock bytes is left empty and numbered around — by leaves and
// by overflow chains that straddle it — or SQLite calls the file malformed and refuses to read that page (a 10M
// directory was). The file is sparse: nothing but the pages written takes room.
func TestPagesStepOverTheLockPage(t *testing.T) {
	tests := []struct {
		name     string
		before   uint32 // pages in the file before the writer appends
		overflow int    // pages in an overflow chain written after two plain pages
	}{
		{"chain straddles", lockPage - 3, 4},
		{"chain starts at the lock page", lockPage - 3, 1},
		{"plain page lands on it", lockPage - 2, 2},
		{"well after", lockPage + 10, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.db")
			f, err := os.Create(path)
			require.NoError(t, err)
			require.NoError(t, f.Truncate(int64(tt.before)*pageSize))
			require.NoError(t, f.Close())
			pf, err := openPageFile(path)
			require.NoError(t, err)
			var got []uint32
			for i := range 2 {
				n, err := pf.append(bytes.Repeat([]byte{byte(i + 1)}, pageSize))
				require.NoError(t, err)
				got = append(got, n)
			}
			rest := bytes.Repeat([]byte{0xAB}, tt.overflow*(pageSize-4)-10)
			first, err := pf.overflow(rest)
			require.NoError(t, err)
			require.NoError(t, pf.close())
			for _, n := range got {
				assert.NotEqual(t, uint32(lockPage), n)
			}
			file, err := os.Open(path)
			require.NoError(t, err)
			defer file.Close()
			page := func(n uint32) []byte {
				b := make([]byte, pageSize)
				_, err := file.ReadAt(b, int64(n-1)*pageSize)
				require.NoError(t, err)
				return b
			}
			st, err := file.Stat()
			require.NoError(t, err)
			if st.Size() > int64(lockPage)*pageSize {
				assert.Equal(t, make([]byte, pageSize), page(lockPage), "the lock page stays empty")
			}
			// follow the chain as SQLite would: every page in it, none the lock page, the payload whole
			var payload []byte
			for p, i := first, 0; p != 0; i++ {
				require.Less(t, i, tt.overflow, "the chain ends")
				require.NotEqual(t, uint32(lockPage), p)
				b := page(p)
				payload = append(payload, b[4:]...)
				p = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			}
			assert.Equal(t, rest, payload[:len(rest)])
			assert.Equal(t, int64(pf.pages)*pageSize, st.Size(), "the header's count is the file's")
		})
	}
}

// A file an earlier build wrote with a B-tree page on the lock page is refused at open with ErrBrokenBuild (SQLite
// would refuse that page in the middle of a search); an empty lock page, or a file under 1 GiB, opens.
func TestOpenRefusesABrokenBuild(t *testing.T) {
	tests := []struct {
		name  string
		size  int64
		first byte // the lock page's first byte
		want  error
	}{
		{"leaf on the lock page", (lockPage + 1) * pageSize, 0x0d, ErrBrokenBuild},
		{"interior index page on it", (lockPage + 1) * pageSize, 0x02, ErrBrokenBuild},
		{"empty lock page", (lockPage + 1) * pageSize, 0, nil},
		{"under 1 GiB", 10 * pageSize, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.db")
			f, err := os.Create(path)
			require.NoError(t, err)
			require.NoError(t, f.Truncate(tt.size))
			if tt.size > lockPage*pageSize {
				_, err = f.WriteAt([]byte{tt.first}, (lockPage-1)*pageSize)
				require.NoError(t, err)
			}
			require.NoError(t, f.Close())
			err = checkLockPage(path)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			_, err = Open(context.Background(), path, Options{})
			assert.ErrorIs(t, err, tt.want, "Open refuses it before SQLite reads it")
		})
	}
}
