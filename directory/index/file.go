package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An index file holds an Index ready to be mapped into memory (see Map) instead of decoded: a header, then
// the index's arrays as they are in memory (little-endian), each starting at a multiple of 8. A process maps
// it in microseconds and the OS brings in only the pages searches touch, from its page cache, shared by every
// process of the machine that maps the same file.
//
// Header (headerSize bytes): fileMagic, the generation (genSize bytes, zero-padded), the counts below
// (uint64 each), then a CRC-32C of everything before it. The arrays follow in the order of sections.

const (
	fileMagic  = "BALCIDX1"
	genSize    = 32
	nCounts    = 8
	headerSize = len(fileMagic) + genSize + 8*nCounts + 8
)

// counts are the sizes that place every array of a file.
type counts struct {
	rows, vocab, vocabBytes, rowWords, conHash, birth, phone, matric uint64
}

func (c *counts) fields() [nCounts]*uint64 {
	return [nCounts]*uint64{&c.rows, &c.vocab, &c.vocabBytes, &c.rowWords, &c.conHash, &c.birth, &c.phone, &c.matric}
}

// section is one array of a file: its length in elements and element size.
type section struct{ n, size uint64 }

// sections lists a file's arrays in order: vocabOff, vocab bytes, rks, rowOff, rowWords, postOff, posts,
// birth, byBirth, phone, byPhone, matric, byMatric, conOff, conHash, byCon.
func (c counts) sections() []section {
	return []section{{c.vocab + 1, 4}, {c.vocabBytes, 1}, {c.rows, 8}, {c.rows + 1, 4}, {c.rowWords, 4},
		{c.vocab + 1, 4}, {c.rowWords, 4}, {c.rows, 2}, {c.birth, 4}, {c.rows, 4}, {c.phone, 4}, {c.rows, 4},
		{c.matric, 4}, {c.rows + 1, 4}, {c.conHash, 4}, {c.conHash, 4}}
}

// offsets returns where each section starts and the file's size.
func (c counts) offsets() ([]uint64, uint64) {
	ss := c.sections()
	out := make([]uint64, len(ss))
	at := uint64(headerSize+7) &^ 7
	for i, s := range ss {
		out[i] = at
		at = (at + s.n*s.size + 7) &^ 7
	}
	return out, at
}

// ErrFile is an index file that cannot be mapped: another format, another generation, cut short or damaged.
var ErrFile = errors.New("directory: unusable name index file")

// littleEndian is whether this machine stores numbers as index files do.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeHeader is the header of a file of generation gen and counts c.
func encodeHeader(gen string, c counts) []byte {
	h := make([]byte, 0, headerSize)
	h = append(h, fileMagic...)
	var g [genSize]byte
	copy(g[:], gen)
	h = append(h, g[:]...)
	for _, f := range c.fields() {
		h = binary.LittleEndian.AppendUint64(h, *f)
	}
	return binary.LittleEndian.AppendUint64(h, uint64(crc32.Checksum(h, castagnoli)))
}

// decodeHeader reads a header, checking its magic, generation and checksum.
func decodeHeader(h []byte, gen string) (counts, error) {
	var c counts
	if len(h) < headerSize || string(h[:len(fileMagic)]) != fileMagic {
		return c, fmt.Errorf("%w: not an index file", ErrFile)
	}
	sum := binary.LittleEndian.Uint64(h[headerSize-8:])
	if uint64(crc32.Checksum(h[:headerSize-8], castagnoli)) != sum {
		return c, fmt.Errorf("%w: damaged header", ErrFile)
	}
	g := h[len(fileMagic) : len(fileMagic)+genSize]
	if n := slices.Index(g, 0); n >= 0 {
		g = g[:n]
	}
	if string(g) != gen {
		return c, fmt.Errorf("%w: generation %q, want %q", ErrFile, g, gen)
	}
	at := len(fileMagic) + genSize
	for _, f := range c.fields() {
		*f = binary.LittleEndian.Uint64(h[at:])
		at += 8
	}
	if c.rows >= 1<<32-1 || c.rowWords >= 1<<32 || c.conHash >= 1<<32 || c.vocab >= 1<<32 {
		return c, fmt.Errorf("%w: counts out of range", ErrFile)
	}
	return c, nil
}

// Map maps the index file at path, of generation gen, read-only. The mapping is released once the Index is
// no longer used. The arrays are checked where that costs little (the vocabulary and its offsets); an Index
// mapped from a file damaged elsewhere may fail a search with a runtime error, which Directory.Search
// reports as an error wrapping ErrFile.
func Map(path, gen string) (*Index, error) {
	if !littleEndian {
		return nil, fmt.Errorf("%w: this machine is not little-endian", ErrFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h := make([]byte, headerSize)
	if _, err := io.ReadFull(f, h); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFile, err)
	}
	c, err := decodeHeader(h, gen)
	if err != nil {
		return nil, err
	}
	offs, size := c.offsets()
	if uint64(st.Size()) != size {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrFile, st.Size(), size)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	// searches jump around: no read-ahead, no mapping of neighbouring pages, so the resident size is what
	// the searches touched
	_ = unix.Madvise(m, unix.MADV_RANDOM)
	n, err := fromMapping(m, c, offs)
	if err != nil {
		_ = unix.Munmap(m)
		return nil, err
	}
	runtime.AddCleanup(n, func(m []byte) { _ = unix.Munmap(m) }, m)
	return n, nil
}

// arr views section i of a mapping as a slice of T.
func arr[T uint16 | uint32 | int64 | byte](m []byte, offs []uint64, ss []section, i int) []T {
	if ss[i].n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&m[offs[i]])), ss[i].n)
}

// fromMapping builds an Index over the arrays of a mapped file, checking the vocabulary.
func fromMapping(m []byte, c counts, offs []uint64) (*Index, error) {
	ss := c.sections()
	vocabOff := arr[uint32](m, offs, ss, 0)
	text := arr[byte](m, offs, ss, 1)
	n := &Index{rks: arr[int64](m, offs, ss, 2), rowOff: arr[uint32](m, offs, ss, 3),
		rowWords: arr[uint32](m, offs, ss, 4), postOff: arr[uint32](m, offs, ss, 5), posts: arr[uint32](m, offs, ss, 6),
		birth: arr[uint16](m, offs, ss, 7), byBirth: arr[uint32](m, offs, ss, 8), phone: arr[uint32](m, offs, ss, 9),
		byPhone: arr[uint32](m, offs, ss, 10), matric: arr[uint32](m, offs, ss, 11), byMatric: arr[uint32](m, offs, ss, 12),
		conOff: arr[uint32](m, offs, ss, 13), conHash: arr[uint32](m, offs, ss, 14), byCon: arr[uint32](m, offs, ss, 15)}
	n.vocab = make([]string, c.vocab)
	for i := range n.vocab {
		a, b := vocabOff[i], vocabOff[i+1]
		if a > b || uint64(b) > c.vocabBytes || (i > 0 && n.postOff[i] < n.postOff[i-1]) {
			return nil, fmt.Errorf("%w: vocabulary", ErrFile)
		}
		if a < b {
			n.vocab[i] = unsafe.String(&text[a], b-a) // the mapping outlives the Index's strings: see Map
		}
	}
	if c.vocab > 0 && (uint64(n.postOff[c.vocab]) != c.rowWords || !slices.IsSorted(n.vocab)) {
		return nil, fmt.Errorf("%w: vocabulary", ErrFile)
	}
	if c.rows > 0 && (n.rowOff[0] != 0 || uint64(n.rowOff[c.rows]) != c.rowWords || uint64(n.conOff[c.rows]) != c.conHash) {
		return nil, fmt.Errorf("%w: rows", ErrFile)
	}
	return n, nil
}

// FileWriter writes an index file from rows given in ascending rank-key order, in bounded memory: each
// row's data goes to part files as it comes, and the postings and sorted lists are computed from them at
// Finish, a window at a time. Part files are made by the caller's create (0600, removed by Finish or Abort:
// they hold names).
type FileWriter struct {
	path   string
	create func(name string) (*os.File, error)
	ids    map[string]uint32 // word → provisional id, in first-seen order
	words  []string
	c      counts
	last   int64
	parts  [nParts]*part
	err    error
}

// The part files: rank keys, row word offsets, row word ids (provisional), birth keys, phone hashes,
// matrícula hashes, contract offsets, contract hashes.
const (
	pRKs = iota
	pRowOff
	pRowWords
	pBirth
	pPhone
	pMatric
	pConOff
	pConHash
	nParts
)

// part is a part file being written, then read back.
type part struct {
	f *os.File
	w *bufio.Writer
}

// NewFileWriter starts the index file at path (which Finish creates); create makes the part files.
func NewFileWriter(path string, create func(name string) (*os.File, error)) (*FileWriter, error) {
	w := &FileWriter{path: path, create: create, ids: map[string]uint32{}, last: -1}
	for i := range w.parts {
		f, err := create(fmt.Sprintf("ixpart-%d", i))
		if err != nil {
			w.Abort()
			return nil, err
		}
		w.parts[i] = &part{f: f, w: bufio.NewWriterSize(f, 256<<10)}
	}
	w.put32(pRowOff, 0)
	w.put32(pConOff, 0)
	return w, nil
}

func (w *FileWriter) put32(p int, v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	_, _ = w.parts[p].w.Write(b[:])
}

// Add appends a row; rank keys must ascend; words are distinct folded words (see Words).
func (w *FileWriter) Add(rk int64, words []string, x Extra) {
	if !w.startRow(rk) {
		return
	}
	for _, word := range words {
		id, ok := w.ids[word]
		if !ok {
			id = w.newWord(string([]byte(word))) // never a string of a mapping or of a caller's buffer
		}
		w.put32(pRowWords, id)
	}
	w.endRow(len(words), x)
}

// AddBytes is Add with the words as byte strings (a build's buffers).
func (w *FileWriter) AddBytes(rk int64, words [][]byte, x Extra) {
	if !w.startRow(rk) {
		return
	}
	for _, word := range words {
		id, ok := w.ids[string(word)]
		if !ok {
			id = w.newWord(string(word))
		}
		w.put32(pRowWords, id)
	}
	w.endRow(len(words), x)
}

// newWord gives a word its provisional id.
func (w *FileWriter) newWord(word string) uint32 {
	id := uint32(len(w.words))
	w.ids[word] = id
	w.words = append(w.words, word)
	w.c.vocabBytes += uint64(len(word))
	return id
}

// startRow checks and writes a row's rank key.
func (w *FileWriter) startRow(rk int64) bool {
	if w.err != nil {
		return false
	}
	if rk <= w.last {
		w.err = fmt.Errorf("index file: rank key %d after %d", rk, w.last)
		return false
	}
	w.last = rk
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(rk))
	_, _ = w.parts[pRKs].w.Write(b[:])
	return true
}

// endRow writes the rest of a row of nw words.
func (w *FileWriter) endRow(nw int, x Extra) {
	var b [2]byte
	w.c.rowWords += uint64(nw)
	w.put32(pRowOff, uint32(w.c.rowWords))
	binary.LittleEndian.PutUint16(b[:], x.Birth)
	_, _ = w.parts[pBirth].w.Write(b[:])
	w.put32(pPhone, x.Phone)
	w.put32(pMatric, x.Matricula)
	for _, h := range x.Contracts {
		w.put32(pConHash, h)
	}
	w.c.conHash += uint64(len(x.Contracts))
	w.put32(pConOff, uint32(w.c.conHash))
	if x.Birth != 0 {
		w.c.birth++
	}
	if x.Phone != 0 {
		w.c.phone++
	}
	if x.Matricula != 0 {
		w.c.matric++
	}
	w.c.rows++
	if w.c.rows >= 1<<32-1 || w.c.rowWords >= 1<<32 || w.c.conHash >= 1<<32 {
		w.err = errors.New("index file: too many rows")
	}
}

// Len is the number of rows added.
func (w *FileWriter) Len() int { return int(w.c.rows) }

// Abort removes the part files; the index file is not written.
func (w *FileWriter) Abort() {
	for _, p := range w.parts {
		if p != nil {
			_ = p.f.Close()
			_ = os.Remove(p.f.Name())
		}
	}
	w.parts = [nParts]*part{}
}

// Finish writes the index file of generation gen, synced to disk, and removes the part files.
func (w *FileWriter) Finish(gen string) (err error) {
	defer w.Abort()
	if w.err != nil {
		return w.err
	}
	for _, p := range w.parts {
		if err := p.w.Flush(); err != nil {
			return fmt.Errorf("index file: %w", err)
		}
	}
	order := make([]uint32, len(w.words)) // final id → provisional id
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		return cmpStrings(w.words[a], w.words[b])
	})
	remap := make([]uint32, len(order))
	for final, prov := range order {
		remap[prov] = uint32(final)
	}
	w.c.vocab = uint64(len(w.words))
	f, err := os.OpenFile(w.path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("index file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(w.path)
		}
	}()
	sw := &sectionWriter{w: bufio.NewWriterSize(f, 1<<20)}
	sw.offs, sw.size = w.c.offsets()
	sw.bytes(encodeHeader(gen, w.c))
	w.writeSections(sw, order, remap)
	if err := sw.end(); err != nil {
		return fmt.Errorf("index file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("index file: %w", err)
	}
	return nil
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sectionWriter writes a file's sections in order, each at its offset.
type sectionWriter struct {
	w    *bufio.Writer
	at   uint64
	offs []uint64
	size uint64
	next int // the next section
	err  error
}

func (s *sectionWriter) bytes(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
		s.at += uint64(len(b))
	}
}

// start pads up to the next section.
func (s *sectionWriter) start() {
	for s.at < s.offs[s.next] && s.err == nil {
		s.bytes(make([]byte, min(s.offs[s.next]-s.at, 8)))
	}
	s.next++
}

func (s *sectionWriter) u32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	s.bytes(b[:])
}

func (s *sectionWriter) u32s(vs []uint32) {
	b := make([]byte, 0, 4*len(vs))
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	s.bytes(b)
}

// end pads the file to its size and flushes it.
func (s *sectionWriter) end() error {
	for s.at < s.size && s.err == nil {
		s.bytes(make([]byte, min(s.size-s.at, 8)))
	}
	if s.err != nil {
		return s.err
	}
	if s.at != s.size {
		return fmt.Errorf("wrote %d bytes, want %d", s.at, s.size)
	}
	return s.w.Flush()
}

// copyPart copies a part file into the file.
func (w *FileWriter) copyPart(s *sectionWriter, p int) {
	if s.err != nil {
		return
	}
	if _, err := w.parts[p].f.Seek(0, io.SeekStart); err != nil {
		s.err = err
		return
	}
	n, err := io.Copy(s.w, w.parts[p].f)
	s.at += uint64(n)
	if err != nil {
		s.err = err
	}
}

// reader reads a part file from its start.
func (w *FileWriter) reader(p int) (*bufio.Reader, error) {
	if _, err := w.parts[p].f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(w.parts[p].f, 256<<10), nil
}

// u32Reader reads a part file's uint32 values a block at a time.
type u32Reader struct {
	r    io.Reader
	buf  []byte
	vals []uint32 // decoded, not yet read
	err  error
}

// newU32Reader reads part p from its start.
func (w *FileWriter) newU32Reader(p int) (*u32Reader, error) {
	if _, err := w.parts[p].f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &u32Reader{r: w.parts[p].f, buf: make([]byte, 256<<10)}, nil
}

// next returns the next value; false at the end (or on an error, see err).
func (u *u32Reader) next() (uint32, bool) {
	if len(u.vals) == 0 && !u.fill() {
		return 0, false
	}
	v := u.vals[0]
	u.vals = u.vals[1:]
	return v, true
}

// fill decodes the next block.
func (u *u32Reader) fill() bool {
	if u.err != nil {
		return false
	}
	n, err := io.ReadFull(u.r, u.buf)
	if n%4 != 0 {
		u.err = fmt.Errorf("index file: part cut in a value")
		return false
	}
	u.vals = u.vals[:0]
	for i := 0; i < n; i += 4 {
		u.vals = append(u.vals, binary.LittleEndian.Uint32(u.buf[i:]))
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		u.err = err
	}
	if n == 0 && u.err == nil {
		u.err = io.EOF
	}
	return n > 0
}

// failed is the reader's error, nil at the end of the part.
func (u *u32Reader) failed() error {
	if errors.Is(u.err, io.EOF) {
		return nil
	}
	return u.err
}

// each32 calls f with the index and value of each uint32 of a part file.
func (w *FileWriter) each32(p int, f func(i int, v uint32)) error {
	u, err := w.newU32Reader(p)
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		v, ok := u.next()
		if !ok {
			return u.failed()
		}
		f(i, v)
	}
}

// window is how many entries of a computed list are held at once (32 MB; tests make it small).
var window uint32 = 8 << 20

// writeSections writes the vocabulary, the parts and the lists computed from them.
func (w *FileWriter) writeSections(s *sectionWriter, order, remap []uint32) {
	s.start() // vocabOff
	var at uint32
	for _, prov := range order {
		s.u32(at)
		at += uint32(len(w.words[prov]))
	}
	s.u32(at)
	s.start() // vocab
	for _, prov := range order {
		s.bytes([]byte(w.words[prov]))
	}
	s.start() // rks
	w.copyPart(s, pRKs)
	s.start() // rowOff
	w.copyPart(s, pRowOff)
	s.start() // rowWords, counting each word's postings
	postOff := make([]uint32, len(order)+1)
	if err := w.each32(pRowWords, func(_ int, v uint32) {
		s.u32(remap[v])
		postOff[remap[v]+1]++
	}); err != nil && s.err == nil {
		s.err = err
	}
	for i := 1; i < len(postOff); i++ {
		postOff[i] += postOff[i-1]
	}
	s.start() // postOff
	s.u32s(postOff)
	s.start() // posts
	w.writePosts(s, postOff, remap)
	s.start() // birth
	w.copyPart(s, pBirth)
	s.start() // byBirth
	w.writeByBirth(s)
	for _, p := range []int{pPhone, pMatric} {
		s.start() // phone, matric
		w.copyPart(s, p)
		s.start() // byPhone, byMatric
		w.writeByHash(s, p)
	}
	s.start() // conOff
	w.copyPart(s, pConOff)
	s.start() // conHash
	w.copyPart(s, pConHash)
	s.start() // byCon
	w.writeByHash(s, pConHash)
}

// eachRow calls f with each row's ordinal and final word ids.
func (w *FileWriter) eachRow(remap []uint32, f func(o uint32, ids []uint32)) error {
	offs, err := w.newU32Reader(pRowOff)
	if err != nil {
		return err
	}
	ws, err := w.newU32Reader(pRowWords)
	if err != nil {
		return err
	}
	prev, ok := offs.next()
	if !ok {
		return fmt.Errorf("index file: no row offsets: %w", offs.failed())
	}
	var ids []uint32
	for o := range uint32(w.c.rows) {
		end, ok := offs.next()
		if !ok {
			return fmt.Errorf("index file: row offsets cut: %w", offs.failed())
		}
		ids = ids[:0]
		for range end - prev {
			id, ok := ws.next()
			if !ok {
				return fmt.Errorf("index file: row words cut: %w", ws.failed())
			}
			ids = append(ids, remap[id])
		}
		prev = end
		f(o, ids)
	}
	return nil
}

// writePosts writes each word's rows, in ascending order, a window of postings at a time.
func (w *FileWriter) writePosts(s *sectionWriter, postOff, remap []uint32) {
	total := postOff[len(postOff)-1]
	next := make([]uint32, len(postOff))
	for lo := uint32(0); lo < total && s.err == nil; lo += window {
		hi := min(total, lo+window)
		win := make([]uint32, hi-lo)
		copy(next, postOff)
		if err := w.eachRow(remap, func(o uint32, ids []uint32) {
			for _, id := range ids {
				if p := next[id]; p >= lo && p < hi {
					win[p-lo] = o
				}
				next[id]++
			}
		}); err != nil {
			s.err = err
			return
		}
		s.u32s(win)
	}
}

// writeByBirth writes the rows with a birth date by (date, row): a counting sort, a window at a time.
func (w *FileWriter) writeByBirth(s *sectionWriter) {
	var start [1<<16 + 1]uint32
	births := func(f func(o uint32, d uint16)) error {
		r, err := w.reader(pBirth)
		if err != nil {
			return err
		}
		var b [2]byte
		for o := range uint32(w.c.rows) {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return err
			}
			f(o, binary.LittleEndian.Uint16(b[:]))
		}
		return nil
	}
	if err := births(func(_ uint32, d uint16) {
		if d != 0 {
			start[int(d)+1]++
		}
	}); err != nil {
		s.err = err
		return
	}
	for d := 1; d < len(start); d++ {
		start[d] += start[d-1]
	}
	next := start
	for lo := uint32(0); lo < uint32(w.c.birth) && s.err == nil; lo += window {
		hi := min(uint32(w.c.birth), lo+window)
		win := make([]uint32, hi-lo)
		next = start
		if err := births(func(o uint32, d uint16) {
			if d == 0 {
				return
			}
			if p := next[d]; p >= lo && p < hi {
				win[p-lo] = o
			}
			next[d]++
		}); err != nil {
			s.err = err
			return
		}
		s.u32s(win)
	}
}

// writeByHash writes the positions of a part of hashes that are not 0, by (hash, position): the hashes are
// split by their top bits into buckets of about a window each, each bucket sorted on its own.
func (w *FileWriter) writeByHash(s *sectionWriter, p int) {
	var n uint64
	switch p {
	case pPhone:
		n = w.c.phone
	case pMatric:
		n = w.c.matric
	default:
		n = w.c.conHash
	}
	shift := uint(32)
	for buckets := uint64(1); buckets*uint64(window) < n && shift > 16; buckets *= 2 {
		shift--
	}
	for b := uint64(0); b < 1<<(32-shift) && s.err == nil; b++ {
		var pairs []uint64
		if err := w.each32(p, func(i int, h uint32) {
			if h != 0 && uint64(h)>>shift == b {
				pairs = append(pairs, uint64(h)<<32|uint64(i))
			}
		}); err != nil {
			s.err = err
			return
		}
		slices.Sort(pairs)
		out := make([]uint32, len(pairs))
		for i, x := range pairs {
			out[i] = uint32(x)
		}
		s.u32s(out)
	}
}
