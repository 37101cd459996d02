package directory

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// A bulk build writes its two big B-trees — beneficiaries (a table keyed by rank key) and keys (a WITHOUT
// ROWID table, so an index B-tree) — straight into the SQLite file's pages, from their rows in key order,
// instead of inserting them one by one through SQLite: the layout is SQLite's database file format
// (https://www.sqlite.org/fileformat2.html), pages filled from the leaves up, each tree's root put on the
// page SQLite gave the table when it created it. SQLite made the file (schema, empty roots) and writes the
// small tables after; PRAGMA integrity_check passes on the result (see the tests).

// pageSize is the page size of built files (see bulkDSN).
const pageSize = 4096

// lockPage is the page that holds SQLite's lock bytes (the 512 bytes from offset 1 GiB): SQLite never stores
// anything in it and reports a file whose trees point to it as malformed (and refuses to read it), so the writer
// leaves it empty and numbers around it.
const lockPage = 1<<30/pageSize + 1

// pageAfter is the number of the (i+1)-th page appended after page last, stepping over the lock page.
func pageAfter(last uint32, i int) uint32 {
	p := last + uint32(i) + 1
	if last < lockPage && p >= lockPage {
		p++
	}
	return p
}

// LeafFill is the percentage of each leaf page a bulk build fills: the rest is left free so that rows
// upserted later fit in the leaf they belong to. A full leaf splits on its next insert, and SQLite's split
// rewrites the leaf, up to two siblings, a new page and the parent; with room, the insert dirties the leaf
// alone (a 10,000-row upsert, half new, into a built 10M directory writes 44% fewer pages; see the README's
// "Desempenho"). Interior pages stay full: a leaf splits rarely now, and their cells are few.
const LeafFill = 90

// leafSlack is the bytes a built leaf page keeps free (see LeafFill).
const leafSlack = pageSize * (100 - LeafFill) / 100

// B-tree page types.
const (
	pageIndexInterior = 0x02
	pageTableInterior = 0x05
	pageIndexLeaf     = 0x0a
	pageTableLeaf     = 0x0d
)

// Payload limits (the file format's X and M, for a usable size of pageSize): a cell's payload beyond its
// local part goes to overflow pages of pageSize-4 bytes each.
const (
	maxLocalTable = pageSize - 35
	maxLocalIndex = (pageSize-12)*64/255 - 23
	minLocal      = (pageSize-12)*32/255 - 23
)

// localSize is how much of a payload of size p stays on its page (maxLocal: the kind's X).
func localSize(p, maxLocal int) int {
	if p <= maxLocal {
		return p
	}
	if k := minLocal + (p-minLocal)%(pageSize-4); k <= maxLocal {
		return k
	}
	return minLocal
}

// pageFile appends pages to an SQLite file opened by SQLite before (its first pages, the schema and the empty
// roots, stay as they are).
type pageFile struct {
	f     *os.File
	w     *bufio.Writer
	pages uint32 // pages in the file
	buf   []byte // a page being made
}

// openPageFile opens the file at path, of pageSize pages, to append pages to.
func openPageFile(path string) (*pageFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || st.Size()%pageSize != 0 {
		_ = f.Close()
		return nil, fmt.Errorf("directory build: %s is not of %d-byte pages: %v", path, pageSize, err)
	}
	if _, err := f.Seek(st.Size(), io.SeekStart); err != nil {
		_ = f.Close()
		return nil, err
	}
	return &pageFile{f: f, w: bufio.NewWriterSize(f, 1<<20), pages: uint32(st.Size() / pageSize),
		buf: make([]byte, pageSize)}, nil
}

// append writes a page at the file's end and returns its number (after the lock page, left empty, when the file
// reaches it).
func (pf *pageFile) append(page []byte) (uint32, error) {
	if pf.pages+1 == lockPage {
		if _, err := pf.w.Write(make([]byte, pageSize)); err != nil {
			return 0, err
		}
		pf.pages++
	}
	if _, err := pf.w.Write(page); err != nil {
		return 0, err
	}
	pf.pages++
	return pf.pages, nil
}

// writeAt writes page number n (an existing one: a root).
func (pf *pageFile) writeAt(n uint32, page []byte) error {
	if err := pf.w.Flush(); err != nil {
		return err
	}
	_, err := pf.f.WriteAt(page, int64(n-1)*pageSize)
	return err
}

// close writes the header's page count and change counter, syncs and closes the file.
func (pf *pageFile) close() error {
	err := pf.w.Flush()
	var h [100]byte
	if err == nil {
		_, err = pf.f.ReadAt(h[:], 0)
	}
	if err == nil {
		change := binary.BigEndian.Uint32(h[24:]) + 1
		binary.BigEndian.PutUint32(h[24:], change)   // file change counter
		binary.BigEndian.PutUint32(h[28:], pf.pages) // database size in pages
		binary.BigEndian.PutUint32(h[92:], change)   // version-valid-for: the size is to be trusted
		_, err = pf.f.WriteAt(h[:], 0)
	}
	if err == nil {
		err = pf.f.Sync()
	}
	return errors.Join(err, pf.f.Close())
}

// overflow writes the part of a payload beyond its local part to a chain of overflow pages and returns the
// first one.
func (pf *pageFile) overflow(rest []byte) (uint32, error) {
	// each page points to the next, so the chain is written from its end
	n := (len(rest) + pageSize - 5) / (pageSize - 4)
	last := pf.pages
	for i := 0; i < n; i++ {
		page := pf.buf
		clear(page)
		if i < n-1 {
			binary.BigEndian.PutUint32(page, pageAfter(last, i+1))
		}
		copy(page[4:], rest[i*(pageSize-4):])
		if _, err := pf.append(page); err != nil {
			return 0, err
		}
	}
	return pageAfter(last, 0), nil
}

// treeWriter builds a B-tree from cells given in key order: leaves are filled and appended as they come;
// between two leaves a separator goes one level up (a table tree's: the left leaf's largest rowid; an index
// tree's: the left leaf's last entry, taken off it, kept only there); the levels above are made at finish,
// the top one on the root page.
type treeWriter struct {
	pf    *pageFile
	root  uint32
	index bool // an index B-tree (entries as keys), else a table B-tree (rowids as keys)

	leaf     *pageBuf
	lastKey  int64    // table: the last rowid added
	children []uint32 // level 1: the leaves written
	seps     [][]byte // the separators between them: a table's is its rowid as a varint, an index's its cell
	cell     []byte   // scratch
}

func newTreeWriter(pf *pageFile, root uint32, index bool) *treeWriter {
	leaf := newPageBuf(false)
	leaf.slack = leafSlack
	return &treeWriter{pf: pf, root: root, index: index, leaf: leaf}
}

// pageBuf is a page being filled: cells are copied from its end down, their offsets kept in order.
type pageBuf struct {
	page     []byte
	header   int
	cells    []uint16
	content  int // where the cell content starts
	interior bool
	slack    int // bytes kept free: a cell that would eat into them starts the next page (see LeafFill)
}

func newPageBuf(interior bool) *pageBuf {
	h := 8
	if interior {
		h = 12
	}
	return &pageBuf{page: make([]byte, pageSize), header: h, content: pageSize, interior: interior}
}

// fits reports whether a cell of n bytes fits, leaving the page's slack free (an empty page takes any cell
// that fits on it at all).
func (b *pageBuf) fits(n int) bool {
	need := b.header + 2*(len(b.cells)+1) + n
	return need <= b.content-b.slack || (len(b.cells) == 0 && need <= b.content)
}

// put copies a cell onto the page.
func (b *pageBuf) put(c []byte) {
	b.content -= len(c)
	copy(b.page[b.content:], c)
	b.cells = append(b.cells, uint16(b.content))
}

// pop takes the last cell off the page and returns a copy of it.
func (b *pageBuf) pop() []byte {
	end := pageSize
	if n := len(b.cells); n > 1 {
		end = int(b.cells[n-2])
	}
	c := append([]byte(nil), b.page[b.content:end]...)
	b.cells = b.cells[:len(b.cells)-1]
	b.content = end
	return c
}

// make lays the page out as a page of type typ (right: an interior page's right child) and returns it.
func (b *pageBuf) make(typ byte, right uint32) []byte {
	p := b.page
	p[0] = typ
	binary.BigEndian.PutUint16(p[1:], 0) // no freeblock
	binary.BigEndian.PutUint16(p[3:], uint16(len(b.cells)))
	binary.BigEndian.PutUint16(p[5:], uint16(b.content%65536))
	p[7] = 0 // no fragments
	if b.interior {
		binary.BigEndian.PutUint32(p[8:], right)
	}
	for i, off := range b.cells {
		binary.BigEndian.PutUint16(p[b.header+2*i:], off)
	}
	clear(p[b.header+2*len(b.cells) : b.content])
	return p
}

// reset empties the page.
func (b *pageBuf) reset() { b.cells, b.content = b.cells[:0], pageSize }

// appendPayload appends payload p's local part to dst, and the number of its first overflow page when it
// has one.
func appendPayload(pf *pageFile, dst, p []byte, maxLocal int) ([]byte, error) {
	local := localSize(len(p), maxLocal)
	dst = append(dst, p[:local]...)
	if local < len(p) {
		first, err := pf.overflow(p[local:])
		if err != nil {
			return nil, err
		}
		dst = binary.BigEndian.AppendUint32(dst, first)
	}
	return dst, nil
}

// addRow adds a table row: rowid (ascending) and record.
func (t *treeWriter) addRow(rowid int64, record []byte) error {
	c := appendVarint(t.cell[:0], int64(len(record)))
	c = appendVarint(c, rowid)
	c, err := appendPayload(t.pf, c, record, maxLocalTable)
	if err != nil {
		return err
	}
	t.cell = c
	if !t.leaf.fits(len(c)) {
		if err := t.flushLeaf(); err != nil {
			return err
		}
		t.seps = append(t.seps, appendVarint(nil, t.lastKey))
	}
	t.leaf.put(c)
	t.lastKey = rowid
	return nil
}

// addEntry adds an index entry (a record), in ascending order.
func (t *treeWriter) addEntry(record []byte) error {
	c := appendVarint(t.cell[:0], int64(len(record)))
	c, err := appendPayload(t.pf, c, record, maxLocalIndex)
	if err != nil {
		return err
	}
	t.cell = c
	if !t.leaf.fits(len(c)) {
		sep := t.leaf.pop() // the leaf's last entry goes up, between it and the next
		if err := t.flushLeaf(); err != nil {
			return err
		}
		t.seps = append(t.seps, sep)
	}
	t.leaf.put(c)
	return nil
}

// leafType is the type of the tree's leaves.
func (t *treeWriter) leafType() byte {
	if t.index {
		return pageIndexLeaf
	}
	return pageTableLeaf
}

// flushLeaf appends the leaf and starts an empty one.
func (t *treeWriter) flushLeaf() error {
	n, err := t.pf.append(t.leaf.make(t.leafType(), 0))
	if err != nil {
		return err
	}
	t.children = append(t.children, n)
	t.leaf.reset()
	return nil
}

// finish writes the last leaf and the levels above, the top one on the root page.
func (t *treeWriter) finish() error {
	if len(t.children) == 0 { // one leaf: the root
		return t.pf.writeAt(t.root, t.leaf.make(t.leafType(), 0))
	}
	if err := t.flushLeaf(); err != nil {
		return err
	}
	children, seps := t.children, t.seps
	for {
		up, upSeps, top, err := t.level(children, seps)
		if err != nil {
			return err
		}
		if top != nil {
			return t.pf.writeAt(t.root, top)
		}
		children, seps = up, upSeps
	}
}

// level makes the interior pages over children (separated by seps): it appends them and returns the level
// above, or, when they fit on one page, returns that page for the root. A page full, its last cell comes
// off: that cell's child becomes the page's right child and its separator goes up.
func (t *treeWriter) level(children []uint32, seps [][]byte) ([]uint32, [][]byte, []byte, error) {
	typ := byte(pageTableInterior)
	if t.index {
		typ = pageIndexInterior
	}
	pb := newPageBuf(true)
	var (
		up     []uint32
		upSeps [][]byte
		c      []byte
	)
	for i, sep := range seps {
		c = binary.BigEndian.AppendUint32(c[:0], children[i])
		c = append(c, sep...)
		if !pb.fits(len(c)) {
			last := pb.pop()
			n, err := t.pf.append(pb.make(typ, binary.BigEndian.Uint32(last)))
			if err != nil {
				return nil, nil, nil, err
			}
			up, upSeps = append(up, n), append(upSeps, last[4:])
			pb.reset()
		}
		pb.put(c)
	}
	right := children[len(children)-1]
	if len(up) == 0 {
		return nil, nil, pb.make(typ, right), nil
	}
	n, err := t.pf.append(pb.make(typ, right))
	if err != nil {
		return nil, nil, nil, err
	}
	return append(up, n), upSeps, nil, nil
}

// appendVarint appends v as an SQLite varint (big-endian, 7 bits a byte, the ninth byte whole).
func appendVarint(dst []byte, v int64) []byte {
	u := uint64(v)
	if u <= 0x7f {
		return append(dst, byte(u))
	}
	if u&(0xff<<56) != 0 {
		var b [9]byte
		b[8] = byte(u)
		u >>= 8
		for i := 7; i >= 0; i-- {
			b[i] = byte(u&0x7f) | 0x80
			u >>= 7
		}
		return append(dst, b[:]...)
	}
	var b [9]byte
	n := 0
	for ; u != 0; n++ {
		b[n] = byte(u&0x7f) | 0x80
		u >>= 7
	}
	b[0] &= 0x7f
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, b[i])
	}
	return dst
}

// intSerial returns the record serial type and big-endian bytes of integer v, as small as SQLite makes them.
func intSerial(v int64) (uint64, int) {
	switch {
	case v == 0:
		return 8, 0
	case v == 1:
		return 9, 0
	case v >= -128 && v <= 127:
		return 1, 1
	case v >= -32768 && v <= 32767:
		return 2, 2
	case v >= -8388608 && v <= 8388607:
		return 3, 3
	case v >= -2147483648 && v <= 2147483647:
		return 4, 4
	case v >= -(1<<47) && v < 1<<47:
		return 5, 6
	}
	return 6, 8
}

// appendInt appends the n big-endian bytes of v.
func appendInt(dst []byte, v int64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// benRecord is the record of a beneficiaries row: rk (the rowid's alias, stored as NULL) and rec (a BLOB).
// A record's header starts with its own size, one byte here (under 128).
func benRecord(dst, rec []byte) []byte {
	var h [12]byte
	hb := appendVarint(append(h[:0], 0), int64(12+2*len(rec))) // rk: NULL, the rowid stands for it
	dst = appendVarint(dst, int64(1+len(hb)))
	dst = append(dst, hb...)
	return append(dst, rec...)
}

// keyRecord is the record of a keys row: key (TEXT) and rk (INTEGER).
func keyRecord(dst []byte, key []byte, rk int64) []byte {
	st, n := intSerial(rk)
	var h [20]byte
	hb := appendVarint(appendVarint(h[:0], int64(13+2*len(key))), int64(st))
	dst = appendVarint(dst, int64(1+len(hb)))
	dst = append(dst, hb...)
	dst = append(dst, key...)
	return appendInt(dst, rk, n)
}

// createForPages creates the file at path with the directory's tables through SQLite, and returns the root
// pages of beneficiaries and keys, for the page writer.
func createForPages(ctx context.Context, path string) ([2]uint32, error) {
	var roots [2]uint32
	db, err := sql.Open("sqlite", bulkDSN(path))
	if err != nil {
		return roots, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `PRAGMA page_size = `+strconv.Itoa(pageSize)); err != nil {
		return roots, err
	}
	if _, err := db.ExecContext(ctx, tables); err != nil {
		return roots, err
	}
	for i, name := range []string{"beneficiaries", "keys"} {
		var root int64
		if err := db.QueryRowContext(ctx, `SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&root); err != nil {
			return roots, fmt.Errorf("root of %s: %w", name, err)
		}
		roots[i] = uint32(root)
	}
	return roots, db.Close()
}
