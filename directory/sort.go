package directory

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// A sorter sorts records — a key and a value, byte strings — by key, bytewise, in bounded memory: records
// gather in a buffer; a full buffer is sorted and written to a run file (a companion of the build, 0600) by a
// goroutine of its own while the next buffer fills; at the end the runs and the last buffer are merged. Keys
// are unique in every use here (they end with a sequence number or an identity).
type sorter struct {
	t      *buildTemp
	name   string
	budget int // bytes of records a buffer holds

	cur   *sortBuf
	spill chan spillJob // to the spilling goroutine; nil before the first spill
	done  chan error    // its result, once spill is closed
	runs  []string
	free  chan *sortBuf
	count int
}

// sortBuf is a buffer of records: data holds them one after another (uvarint key length, key, uvarint value
// length, value); ents the start of each with its key's first 8 bytes as a number, which decides most
// comparisons.
type sortBuf struct {
	data []byte
	ents []sortEnt
}

type sortEnt struct {
	pre      uint64
	off      int    // the record's start
	key, end uint32 // its key's start and end, from off
}

type spillJob struct {
	buf  *sortBuf
	path string
}

// sortBudget is the size of a sorter's buffer: two are held at once, the one filling and the one spilling.
var sortBudget = 48 << 20

func newSorter(t *buildTemp, name string) *sorter {
	return &sorter{t: t, name: name, budget: sortBudget, cur: &sortBuf{}, free: make(chan *sortBuf, 1)}
}

// add adds a record; it fails when spilling a run failed.
func (s *sorter) add(key, val []byte) error {
	b := s.cur
	var pre [8]byte
	copy(pre[:], key)
	off := len(b.data)
	b.data = binary.AppendUvarint(b.data, uint64(len(key)))
	ks := len(b.data) - off
	b.ents = append(b.ents, sortEnt{binary.BigEndian.Uint64(pre[:]), off, uint32(ks), uint32(ks + len(key))})
	b.data = append(b.data, key...)
	b.data = binary.AppendUvarint(b.data, uint64(len(val)))
	b.data = append(b.data, val...)
	s.count++
	if len(b.data) >= s.budget {
		return s.spillCur()
	}
	return nil
}

// spillCur hands the current buffer to the spilling goroutine and takes a free one.
func (s *sorter) spillCur() error {
	if s.spill == nil {
		s.spill, s.done = make(chan spillJob), make(chan error, 1)
		go s.spiller()
	}
	path, err := s.t.create(s.name + "-" + strconv.Itoa(len(s.runs)))
	if err != nil {
		return err
	}
	s.runs = append(s.runs, path)
	if len(s.runs) == 2 {
		hook("spill-" + s.name) // a run written, the next on its way
	}
	select {
	case s.spill <- spillJob{s.cur, path}:
	case err := <-s.done: // the spiller stopped on an error
		close(s.spill)
		s.spill = nil
		return err
	}
	select {
	case b := <-s.free:
		b.data, b.ents = b.data[:0], b.ents[:0]
		s.cur = b
	default:
		s.cur = &sortBuf{data: make([]byte, 0, s.budget+s.budget/8), ents: make([]sortEnt, 0, len(s.cur.ents))}
	}
	return nil
}

// spiller sorts and writes the buffers it is handed, until spill is closed or a write fails.
func (s *sorter) spiller() {
	for job := range s.spill {
		job.buf.sort()
		if err := job.buf.writeRun(job.path); err != nil {
			s.done <- err
			for range s.spill { // let the sender see the error
			}
			return
		}
		select {
		case s.free <- job.buf:
		default:
		}
	}
	s.done <- nil
}

// sort orders the buffer's records by key.
func (b *sortBuf) sort() {
	slices.SortFunc(b.ents, func(x, y sortEnt) int {
		if x.pre != y.pre {
			if x.pre < y.pre {
				return -1
			}
			return 1
		}
		return bytes.Compare(b.data[x.off+int(x.key):x.off+int(x.end)], b.data[y.off+int(y.key):y.off+int(y.end)])
	})
}

// record returns the key and value of the record at off.
func (b *sortBuf) record(off int) (key, val []byte) {
	n, k := binary.Uvarint(b.data[off:])
	off += k
	key = b.data[off : off+int(n)]
	off += int(n)
	n, k = binary.Uvarint(b.data[off:])
	off += k
	return key, b.data[off : off+int(n)]
}

// writeRun writes the sorted records to a run file.
func (b *sortBuf) writeRun(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("directory build: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, e := range b.ents {
		end := e.off
		n, k := binary.Uvarint(b.data[end:])
		end += k + int(n)
		n, k = binary.Uvarint(b.data[end:])
		end += k + int(n)
		if _, err := w.Write(b.data[e.off:end]); err != nil {
			_ = f.Close()
			return fmt.Errorf("directory build: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("directory build: %w", err)
	}
	return f.Close()
}

// finish ends the adding and returns the records in key order. The sorter's files are the build's: they go
// when its anchor is removed.
func (s *sorter) finish() (recordIter, error) {
	if s.spill != nil {
		close(s.spill)
		err := <-s.done
		s.spill = nil
		if err != nil {
			return nil, err
		}
	}
	s.free = nil
	s.cur.sort()
	mem := &memIter{b: s.cur}
	if len(s.runs) == 0 {
		return mem, nil
	}
	m := &mergeIter{}
	for _, p := range s.runs {
		f, err := os.Open(p)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("directory build: %w", err)
		}
		m.files = append(m.files, f)
		m.add(&runIter{r: bufio.NewReaderSize(f, 128<<10)})
	}
	m.add(mem)
	return m, nil
}

// recordIter yields records in key order; the slices it returns are valid until the next call.
type recordIter interface {
	next() (key, val []byte, ok bool)
	err() error
	close()
}

// memIter yields a sorted buffer's records.
type memIter struct {
	b *sortBuf
	i int
}

func (m *memIter) next() ([]byte, []byte, bool) {
	if m.i >= len(m.b.ents) {
		return nil, nil, false
	}
	k, v := m.b.record(m.b.ents[m.i].off)
	m.i++
	return k, v, true
}

func (m *memIter) err() error { return nil }
func (m *memIter) close()     { m.b = &sortBuf{}; m.i = 0 }

// runIter yields a run file's records.
type runIter struct {
	r        *bufio.Reader
	key, val []byte
	e        error
}

func (r *runIter) next() ([]byte, []byte, bool) {
	if r.e != nil {
		return nil, nil, false
	}
	read := func(dst []byte) []byte {
		n, err := binary.ReadUvarint(r.r)
		if err != nil {
			r.e = err
			return dst
		}
		dst = slices.Grow(dst[:0], int(n))[:n]
		if _, err := io.ReadFull(r.r, dst); err != nil {
			r.e = err
		}
		return dst
	}
	r.key = read(r.key)
	if errors.Is(r.e, io.EOF) {
		return nil, nil, false
	}
	r.val = read(r.val)
	if r.e != nil {
		r.e = fmt.Errorf("directory build: run: %w", r.e)
		return nil, nil, false
	}
	return r.key, r.val, true
}

func (r *runIter) err() error {
	if errors.Is(r.e, io.EOF) {
		return nil
	}
	return r.e
}

func (r *runIter) close() {}

// mergeIter merges iterators in key order.
type mergeIter struct {
	h     mergeHeap
	files []*os.File
	last  *mergeHead // yielded last: advanced at the next call
	e     error
}

type mergeHead struct {
	it       recordIter
	key, val []byte
}

type mergeHeap []*mergeHead

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return bytes.Compare(h[i].key, h[j].key) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(*mergeHead)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// add takes an iterator into the merge.
func (m *mergeIter) add(it recordIter) {
	if k, v, ok := it.next(); ok {
		heap.Push(&m.h, &mergeHead{it, k, v})
	} else if err := it.err(); err != nil && m.e == nil {
		m.e = err
	}
}

func (m *mergeIter) next() ([]byte, []byte, bool) {
	if l := m.last; l != nil {
		m.last = nil
		if k, v, ok := l.it.next(); ok {
			l.key, l.val = k, v
			heap.Fix(&m.h, 0)
		} else {
			if err := l.it.err(); err != nil && m.e == nil {
				m.e = err
			}
			heap.Pop(&m.h)
		}
	}
	if m.e != nil || len(m.h) == 0 {
		return nil, nil, false
	}
	m.last = m.h[0]
	return m.last.key, m.last.val, true
}

func (m *mergeIter) err() error { return m.e }

func (m *mergeIter) close() {
	for _, f := range m.files {
		_ = f.Close()
	}
	m.files = nil
	m.h = nil
}
