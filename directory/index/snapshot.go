package index

import (
	"encoding/binary"
	"errors"
	"math"
)

// snapshotMagic starts a snapshot; change it (and the directory's layout version) when the encoding changes.
const snapshotMagic = "BNI3"

// ErrCorrupt is a snapshot that cannot be decoded.
var ErrCorrupt = errors.New("directory: corrupt name index")

// Encode writes the index's snapshot: magic, vocabulary (length-prefixed words), rows (rank-key delta, word
// count, word ids, birth date, phone hash, matrícula hash, contract count and hashes), all as unsigned varints.
func (n *Index) Encode() []byte {
	size := len(snapshotMagic) + 20 + 12*len(n.rks) + 3*len(n.rowWords) + 5*len(n.conHash)
	for _, w := range n.vocab {
		size += len(w) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, snapshotMagic...)
	b = binary.AppendUvarint(b, uint64(len(n.vocab)))
	for _, w := range n.vocab {
		b = binary.AppendUvarint(b, uint64(len(w)))
		b = append(b, w...)
	}
	b = binary.AppendUvarint(b, uint64(len(n.rks)))
	var prev int64
	for o, rk := range n.rks {
		b = binary.AppendUvarint(b, uint64(rk-prev))
		prev = rk
		ws := n.words(o)
		b = binary.AppendUvarint(b, uint64(len(ws)))
		for _, id := range ws {
			b = binary.AppendUvarint(b, uint64(id))
		}
		b = binary.AppendUvarint(b, uint64(n.birth[o]))
		b = binary.AppendUvarint(b, uint64(n.phone[o]))
		b = binary.AppendUvarint(b, uint64(n.matric[o]))
		cs := n.conHash[n.conOff[o]:n.conOff[o+1]]
		b = binary.AppendUvarint(b, uint64(len(cs)))
		for _, h := range cs {
			b = binary.AppendUvarint(b, uint64(h))
		}
	}
	return b
}

// decoder reads a snapshot's unsigned varints; once one is bad, every later one reads 0 and bad stays set.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uv() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.bad = true
		d.b = nil
		return 0
	}
	d.b = d.b[k:]
	return v
}

// Decode reads a snapshot (see Encode).
func Decode(b []byte) (*Index, error) {
	if len(b) < len(snapshotMagic) || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, ErrCorrupt
	}
	d := &decoder{b: b[len(snapshotMagic):]}
	vocab, ok := d.vocab()
	if !ok {
		return nil, ErrCorrupt
	}
	nr := d.uv()
	if d.bad || nr > uint64(len(d.b)) {
		return nil, ErrCorrupt
	}
	n := &Index{vocab: vocab, rks: make([]int64, 0, nr), rowOff: append(make([]uint32, 0, nr+1), 0),
		rowWords: make([]uint32, 0, 4*nr), birth: make([]uint16, 0, nr), phone: make([]uint32, 0, nr),
		matric: make([]uint32, 0, nr), conOff: append(make([]uint32, 0, nr+1), 0), conHash: make([]uint32, 0, nr)}
	var prev int64
	for range nr {
		prev += int64(d.uv())
		if !d.row(n, prev) {
			return nil, ErrCorrupt
		}
	}
	n.index()
	return n, nil
}

// vocab reads the vocabulary.
func (d *decoder) vocab() ([]string, bool) {
	nv := d.uv()
	if d.bad || nv > uint64(len(d.b)) {
		return nil, false
	}
	vocab := make([]string, nv)
	for i := range vocab {
		l := d.uv()
		if d.bad || l > uint64(len(d.b)) {
			return nil, false
		}
		vocab[i] = string(d.b[:l])
		d.b = d.b[l:]
	}
	return vocab, true
}

// row reads the rest of the row of rank key rk (its word ids and extra) into n.
func (d *decoder) row(n *Index, rk int64) bool {
	k := d.uv()
	if k > uint64(len(d.b)) {
		return false
	}
	for range k {
		id := d.uv()
		if id >= uint64(len(n.vocab)) {
			return false
		}
		n.rowWords = append(n.rowWords, uint32(id))
	}
	birth, phone, matric, nc := d.uv(), d.uv(), d.uv(), d.uv()
	if d.bad || birth > math.MaxUint16 || phone > math.MaxUint32 || matric > math.MaxUint32 || nc > uint64(len(d.b)) {
		return false
	}
	for range nc {
		h := d.uv()
		if h > math.MaxUint32 {
			return false
		}
		n.conHash = append(n.conHash, uint32(h))
	}
	if d.bad {
		return false
	}
	n.rks = append(n.rks, rk)
	n.rowOff = append(n.rowOff, uint32(len(n.rowWords)))
	n.birth = append(n.birth, uint16(birth))
	n.phone = append(n.phone, uint32(phone))
	n.matric = append(n.matric, uint32(matric))
	n.conOff = append(n.conOff, uint32(len(n.conHash)))
	return true
}
