package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/balcao/balcao/model"
)

// The name index lives in Go memory: every beneficiary's name words as word ids, and each word's
// beneficiaries (postings), all in rank-key order; with them each beneficiary's birth date, phone,
// matrícula and contract numbers, the identifiers searched here rather than in SQLite (a bulk build then
// writes two key rows a beneficiary instead of six; each costs 6 to 16 bytes a beneficiary in memory).
// Phones, matrículas and contracts are kept as 32-bit hashes: a search checks them on the rows, so two
// values sharing a hash cost a row read, never a wrong match. The vocabulary is sorted, so the
// words a prefix stands for are one range of ids, and "has a word starting with w" is a range check on a
// row's few ids. The file
// keeps it as one binary snapshot (name_index) rewritten by every write and tagged with the directory's
// generation; a reader reloads it when the generation changes, whoever wrote.

// dirNames is the name index of one directory generation. Rows are numbered by ordinal, in rank-key order.
type dirNames struct {
	gen      string
	vocab    []string // distinct words, sorted
	rks      []int64  // rank key of each ordinal, ascending
	rowOff   []uint32 // rowWords[rowOff[o]:rowOff[o+1]] are ordinal o's word ids
	rowWords []uint32
	postOff  []uint32 // posts[postOff[w]:postOff[w+1]] are the ordinals holding word w, ascending
	posts    []uint32
	birth    []uint16 // each ordinal's dirBirthKey, 0 when unknown
	byBirth  []uint32 // the ordinals with a birth date, by (date, ordinal)
	phone    []uint32 // each ordinal's phone hash (dirKeyHash of the number without DDD), 0 when none
	byPhone  []uint32 // the ordinals with a phone, by (hash, ordinal)
	matric   []uint32 // each ordinal's dirKeyHash of its model.MatriculaKey, 0 when none
	byMatric []uint32 // the ordinals with a matrícula, by (hash, ordinal)
	conOff   []uint32 // conHash[conOff[o]:conOff[o+1]] are ordinal o's contracts' hashes (of model.ContractKey)
	conHash  []uint32
	byCon    []uint32 // the positions of conHash, by (hash, position)
}

// dirRowExtra is what the index keeps of a row besides its name words.
type dirRowExtra struct {
	birth     uint16
	phone     uint32
	matric    uint32
	contracts []uint32 // distinct, ascending
}

// dirRowExtraOf is the index's data of a normalised beneficiary.
func dirRowExtraOf(b *model.Beneficiary) dirRowExtra {
	_, local := model.PhoneKeys(b.Phone)
	x := dirRowExtra{birth: dirBirthKey(b.BirthDate), phone: dirKeyHash(local), matric: dirKeyHash(model.MatriculaKey(b.IDMatricula))}
	for _, c := range b.Contracts {
		if h := dirKeyHash(model.ContractKey(c.Number)); h != 0 {
			x.contracts = append(x.contracts, h)
		}
	}
	if len(x.contracts) > 1 {
		slices.Sort(x.contracts)
		x.contracts = slices.Compact(x.contracts)
	}
	return x
}

// equal reports whether two rows' extras are the same.
func (x dirRowExtra) equal(y dirRowExtra) bool {
	return x.birth == y.birth && x.phone == y.phone && x.matric == y.matric && slices.Equal(x.contracts, y.contracts)
}

// dirBirthKey is a stored birth date (YYYY-MM-DD) as days since 1899-12-31 (1900-01-01 to 2079-06-06);
// 0 for any other text or date.
func dirBirthKey(date string) uint16 {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0
	}
	d := t.Sub(dirBirthEpoch) / (24 * time.Hour)
	if d < 1 || d > math.MaxUint16 {
		return 0
	}
	return uint16(d)
}

var dirBirthEpoch = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)

// dirKeyHash is the index key of an identifier in its stored form (FNV-1a, never 0; 0 for none). Searches
// check the identifier on the row, so two values sharing a hash cost a row read, never a wrong match.
func dirKeyHash(local string) uint32 {
	if local == "" {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(local); i++ {
		h ^= uint32(local[i])
		h *= 16777619
	}
	return max(h, 1)
}

// dirNamesMagic starts a snapshot; bump it when the encoding changes.
const dirNamesMagic = "BNI3"

// dirNamesPart is the size of the blobs a snapshot is stored in.
const dirNamesPart = 4 << 20

// dirNamesBuilder gathers rows in rank-key order and turns them into an index and its snapshot.
type dirNamesBuilder struct {
	ids     map[string]uint32 // word → provisional id (first-seen order)
	words   []string          // provisional id → word
	rks     []int64
	off     []uint32
	row     []uint32 // provisional ids
	birth   []uint16
	phone   []uint32
	matric  []uint32
	conOff  []uint32
	conHash []uint32
}

func newDirNamesBuilder(rows int) *dirNamesBuilder {
	return &dirNamesBuilder{
		ids: map[string]uint32{}, rks: make([]int64, 0, rows), off: append(make([]uint32, 0, rows+1), 0),
		row: make([]uint32, 0, 4*rows), birth: make([]uint16, 0, rows), phone: make([]uint32, 0, rows),
		matric: make([]uint32, 0, rows), conOff: append(make([]uint32, 0, rows+1), 0),
		conHash: make([]uint32, 0, rows+rows/8),
	}
}

// add appends a row; rows must come in ascending rank-key order; words are distinct folded words.
func (nb *dirNamesBuilder) add(rk int64, words []string, x dirRowExtra) {
	for _, w := range words {
		nb.row = append(nb.row, nb.intern(w))
	}
	nb.endRow(rk, x)
}

// addIDs appends a row whose words are ids of vocab (an older index's vocabulary).
func (nb *dirNamesBuilder) addIDs(rk int64, vocab []string, ids []uint32, x dirRowExtra) {
	for _, old := range ids {
		nb.row = append(nb.row, nb.intern(vocab[old]))
	}
	nb.endRow(rk, x)
}

// intern returns the id of word w in the vocabulary being built, adding it if new.
func (nb *dirNamesBuilder) intern(w string) uint32 {
	id, ok := nb.ids[w]
	if !ok {
		id = uint32(len(nb.words))
		nb.ids[w] = id
		nb.words = append(nb.words, w)
	}
	return id
}

// endRow closes the row of rank key rk, whose word ids were just appended.
func (nb *dirNamesBuilder) endRow(rk int64, x dirRowExtra) {
	nb.rks = append(nb.rks, rk)
	nb.off = append(nb.off, uint32(len(nb.row)))
	nb.birth = append(nb.birth, x.birth)
	nb.phone = append(nb.phone, x.phone)
	nb.matric = append(nb.matric, x.matric)
	nb.conHash = append(nb.conHash, x.contracts...)
	nb.conOff = append(nb.conOff, uint32(len(nb.conHash)))
}

// finish sorts the vocabulary, renumbers the rows' words and computes the postings.
func (nb *dirNamesBuilder) finish(gen string) *dirNames {
	order := make([]uint32, len(nb.words))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		switch x, y := nb.words[a], nb.words[b]; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	remap := make([]uint32, len(nb.words))
	vocab := make([]string, len(nb.words))
	for to, from := range order {
		remap[from] = uint32(to)
		vocab[to] = nb.words[from]
	}
	for i, id := range nb.row {
		nb.row[i] = remap[id]
	}
	n := &dirNames{gen: gen, vocab: vocab, rks: nb.rks, rowOff: nb.off, rowWords: nb.row, birth: nb.birth,
		phone: nb.phone, matric: nb.matric, conOff: nb.conOff, conHash: nb.conHash}
	n.index()
	*nb = dirNamesBuilder{}
	return n
}

// index computes the postings from the rows.
func (n *dirNames) index() {
	if cap(n.rowWords)-len(n.rowWords) > len(n.rowWords)/16 { // the index lives long: drop the guessed capacity
		n.rowWords = slices.Clone(n.rowWords)
	}
	n.postOff = make([]uint32, len(n.vocab)+1)
	for _, id := range n.rowWords {
		n.postOff[id+1]++
	}
	for i := 1; i < len(n.postOff); i++ {
		n.postOff[i] += n.postOff[i-1]
	}
	n.posts = make([]uint32, len(n.rowWords))
	next := slices.Clone(n.postOff[:len(n.vocab)])
	for o := 0; o < len(n.rks); o++ {
		for _, id := range n.rowWords[n.rowOff[o]:n.rowOff[o+1]] {
			n.posts[next[id]] = uint32(o)
			next[id]++
		}
	}
	n.byPhone = dirByHash(n.phone)
	n.byMatric = dirByHash(n.matric)
	if cap(n.conHash)-len(n.conHash) > len(n.conHash)/16 {
		n.conHash = slices.Clone(n.conHash)
	}
	n.byCon = dirByHash(n.conHash)
	n.byBirth = dirByHash(n.birth)
}

// dirByHash returns the positions of hash (a hash or a birth day each) that are not 0, by (value, position).
func dirByHash[K uint16 | uint32](hash []K) []uint32 {
	pairs := make([]uint64, 0, len(hash)) // hash and ordinal in one number: a plain sort, no comparison calls
	for o, h := range hash {
		if h != 0 {
			pairs = append(pairs, uint64(h)<<32|uint64(o))
		}
	}
	slices.Sort(pairs)
	by := make([]uint32, len(pairs))
	for i, p := range pairs {
		by[i] = uint32(p)
	}
	return by
}

// words returns ordinal o's word ids.
func (n *dirNames) words(o int) []uint32 { return n.rowWords[n.rowOff[o]:n.rowOff[o+1]] }

// extra returns what the index keeps of ordinal o besides its words (its contracts are n's: read only).
func (n *dirNames) extra(o int) dirRowExtra {
	return dirRowExtra{birth: n.birth[o], phone: n.phone[o], matric: n.matric[o],
		contracts: n.conHash[n.conOff[o]:n.conOff[o+1]:n.conOff[o+1]]}
}

// hashRKs returns, in rank-key order, the rank keys of the ordinals of by (sorted by hash, see
// dirByHash) whose hash is dirKeyHash(key): the first `first` of them (all when first <= 0).
func (n *dirNames) hashRKs(hash, by []uint32, key string, first int) []int64 {
	var out []int64
	for _, o := range dirFirst(dirHashRun(hash, by, key), first) {
		out = append(out, n.rks[o])
	}
	return out
}

// dirHashRun returns the run of by (positions of hash, sorted by hash) whose hash is dirKeyHash(key).
func dirHashRun(hash, by []uint32, key string) []uint32 {
	h := dirKeyHash(key)
	if h == 0 {
		return nil
	}
	i, _ := slices.BinarySearchFunc(by, h, func(p, h uint32) int { return cmp.Compare(hash[p], h) })
	j := i
	for j < len(by) && hash[by[j]] == h {
		j++
	}
	return by[i:j]
}

// dirFirst returns the first elements of s (all when first <= 0).
func dirFirst(s []uint32, first int) []uint32 {
	if first > 0 && len(s) > first {
		return s[:first]
	}
	return s
}

// phoneRKs returns, in rank-key order, the rank keys of the rows whose phone without DDD may be local
// (same hash), the first `first` of them (all when first <= 0): the caller checks the number on the row.
func (n *dirNames) phoneRKs(local string, first int) []int64 {
	return n.hashRKs(n.phone, n.byPhone, local, first)
}

// matriculaRKs returns, in rank-key order, the rank keys of the rows whose matrícula may be key (a
// model.MatriculaKey; same hash), the first `first` of them (all when first <= 0): the caller checks it on the row.
func (n *dirNames) matriculaRKs(key string, first int) []int64 {
	return n.hashRKs(n.matric, n.byMatric, key, first)
}

// contractRKs returns, in rank-key order, the rank keys of the rows that may hold contract key (a
// model.ContractKey; same hash), the first `first` of them (all when first <= 0): the caller checks it on the row.
func (n *dirNames) contractRKs(key string, first int) []int64 {
	var out []int64
	for _, p := range dirFirst(dirHashRun(n.conHash, n.byCon, key), first) { // positions ascend, so do their rows
		k, _ := slices.BinarySearch(n.conOff, p+1) // the first row starting after p: p is its predecessor's
		out = append(out, n.rks[k-1])
	}
	return out
}

// encode writes the snapshot: magic, vocabulary (length-prefixed words), rows (rank-key delta, word count,
// word ids, birth date, phone hash, matrícula hash, contract count and hashes), all as unsigned varints.
func (n *dirNames) encode() []byte {
	size := len(dirNamesMagic) + 20 + 12*len(n.rks) + 3*len(n.rowWords) + 5*len(n.conHash)
	for _, w := range n.vocab {
		size += len(w) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, dirNamesMagic...)
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

// errDirNamesCorrupt is a snapshot that cannot be decoded.
var errDirNamesCorrupt = errors.New("directory: corrupt name index")

// decodeDirNames reads a snapshot (see encode).
func decodeDirNames(b []byte, gen string) (*dirNames, error) {
	if len(b) < len(dirNamesMagic) || string(b[:len(dirNamesMagic)]) != dirNamesMagic {
		return nil, errDirNamesCorrupt
	}
	b = b[len(dirNamesMagic):]
	bad := false
	uv := func() uint64 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			bad = true
			b = nil
			return 0
		}
		b = b[k:]
		return v
	}
	nv := uv()
	if bad || nv > uint64(len(b)) {
		return nil, errDirNamesCorrupt
	}
	n := &dirNames{gen: gen, vocab: make([]string, nv)}
	for i := range n.vocab {
		l := uv()
		if bad || l > uint64(len(b)) {
			return nil, errDirNamesCorrupt
		}
		n.vocab[i] = string(b[:l])
		b = b[l:]
	}
	nr := uv()
	if bad || nr > uint64(len(b)) {
		return nil, errDirNamesCorrupt
	}
	n.rks = make([]int64, 0, nr)
	n.rowOff = append(make([]uint32, 0, nr+1), 0)
	n.rowWords = make([]uint32, 0, 4*nr)
	n.birth = make([]uint16, 0, nr)
	n.phone = make([]uint32, 0, nr)
	n.matric = make([]uint32, 0, nr)
	n.conOff = append(make([]uint32, 0, nr+1), 0)
	n.conHash = make([]uint32, 0, nr)
	var prev int64
	for range nr {
		prev += int64(uv())
		k := uv()
		if k > uint64(len(b)) {
			return nil, errDirNamesCorrupt
		}
		for range k {
			id := uv()
			if id >= nv {
				return nil, errDirNamesCorrupt
			}
			n.rowWords = append(n.rowWords, uint32(id))
		}
		birth, phone, matric, nc := uv(), uv(), uv(), uv()
		if bad || birth > math.MaxUint16 || phone > math.MaxUint32 || matric > math.MaxUint32 || nc > uint64(len(b)) {
			return nil, errDirNamesCorrupt
		}
		for range nc {
			h := uv()
			if h > math.MaxUint32 {
				return nil, errDirNamesCorrupt
			}
			n.conHash = append(n.conHash, uint32(h))
		}
		if bad {
			return nil, errDirNamesCorrupt
		}
		n.rks = append(n.rks, prev)
		n.rowOff = append(n.rowOff, uint32(len(n.rowWords)))
		n.birth = append(n.birth, uint16(birth))
		n.phone = append(n.phone, uint32(phone))
		n.matric = append(n.matric, uint32(matric))
		n.conOff = append(n.conOff, uint32(len(n.conHash)))
	}
	n.index()
	return n, nil
}

// dirNewGeneration tags a new state of the directory.
func dirNewGeneration() string { return strconv.FormatUint(rand.Uint64(), 36) }

// dirExecer is what writes a snapshot: a transaction or a connection.
type dirExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// dirWriteNames replaces the stored snapshot with n's and sets the directory's generation to n.gen.
func dirWriteNames(ctx context.Context, ex dirExecer, n *dirNames) error {
	b := n.encode()
	if _, err := ex.ExecContext(ctx, `DELETE FROM name_index`); err != nil {
		return fmt.Errorf("name index: %w", err)
	}
	for part := 0; len(b) > 0 || part == 0; part++ {
		k := min(len(b), dirNamesPart)
		if _, err := ex.ExecContext(ctx, `INSERT INTO name_index(part, data) VALUES (?, ?)`, part, b[:k]); err != nil {
			return fmt.Errorf("name index: %w", err)
		}
		b = b[k:]
	}
	if _, err := ex.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, dirMetaGeneration, n.gen); err != nil {
		return fmt.Errorf("name index generation: %w", err)
	}
	return nil
}

// dirQuerier is what reads a snapshot: a transaction or a connection.
type dirQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dirReadNames loads the stored snapshot and its generation; call it inside a transaction so both agree.
func dirReadNames(ctx context.Context, q dirQuerier) (*dirNames, error) {
	var gen string
	if err := q.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, dirMetaGeneration).Scan(&gen); err != nil {
		return nil, fmt.Errorf("name index generation: %w", err)
	}
	var size int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(sum(length(data)), 0) FROM name_index`).Scan(&size); err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT data FROM name_index ORDER BY part`)
	if err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	defer rows.Close()
	b := make([]byte, 0, size) // the snapshot is as big as a tenth of the index: no growing copies
	for rows.Next() {
		var part sql.RawBytes
		if err := rows.Scan(&part); err != nil {
			return nil, fmt.Errorf("name index: %w", err)
		}
		b = append(b, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	n, err := decodeDirNames(b, gen)
	if err != nil {
		return nil, fmt.Errorf("name index (generation %s): %w", gen, err)
	}
	return n, nil
}

// dirNameChange replaces a row of the index: the row at old (when hasOld) goes, words and extra at rk (when
// hasNew) come.
type dirNameChange struct {
	old, rk        int64
	hasOld, hasNew bool
	words          []string
	extra          dirRowExtra
}

// apply returns a new index: n with the changes applied in order.
func (n *dirNames) apply(changes []dirNameChange, gen string) *dirNames {
	type row struct {
		rk    int64
		words []string
		extra dirRowExtra
	}
	state := make(map[int64]*row, len(changes)) // nil: removed
	for _, c := range changes {
		if c.hasOld {
			state[c.old] = nil
		}
		if c.hasNew {
			state[c.rk] = &row{c.rk, append([]string{}, c.words...), c.extra}
		}
	}
	var add []row
	for _, r := range state {
		if r != nil {
			add = append(add, *r)
		}
	}
	slices.SortFunc(add, func(a, b row) int {
		switch {
		case a.rk < b.rk:
			return -1
		case a.rk > b.rk:
			return 1
		}
		return 0
	})
	nb := newDirNamesBuilder(len(n.rks) + len(add))
	j := 0
	for o, rk := range n.rks {
		for j < len(add) && add[j].rk < rk {
			nb.add(add[j].rk, add[j].words, add[j].extra)
			j++
		}
		if _, changed := state[rk]; changed {
			continue
		}
		nb.addIDs(rk, n.vocab, n.words(o), n.extra(o))
	}
	for ; j < len(add); j++ {
		nb.add(add[j].rk, add[j].words, add[j].extra)
	}
	return nb.finish(gen)
}

// dirNameRange is a query word's vocabulary range and, when it is a whole word, its id.
type dirNameRange struct {
	lo, hi uint32
	exact  int64 // -1 when the word is no whole word
}

// ranges returns the vocabulary range of each query word; false when a word starts no word at all.
func (n *dirNames) ranges(words []string) ([]dirNameRange, bool) {
	rs := make([]dirNameRange, len(words))
	for i, w := range words {
		lo := sort.SearchStrings(n.vocab, w)
		hi := sort.SearchStrings(n.vocab, w+"\xff")
		if lo == hi {
			return nil, false
		}
		rs[i] = dirNameRange{lo: uint32(lo), hi: uint32(hi), exact: -1}
		if n.vocab[lo] == w {
			rs[i].exact = int64(lo)
		}
	}
	return rs, true
}

// ordinal finds the row of a rank key.
func (n *dirNames) ordinal(rk int64) (int, bool) {
	o, ok := slices.BinarySearch(n.rks, rk)
	return o, ok
}

// match reports whether row o has, for every range, a word in it, and how many of them whole (the tier).
func (n *dirNames) match(o int, rs []dirNameRange) (tier int, ok bool) {
	ws := n.words(o)
	for i := range rs {
		r := &rs[i]
		in := false
		for _, id := range ws {
			if id >= r.lo && id < r.hi {
				in = true
				if int64(id) == r.exact {
					tier++
					break
				}
			}
		}
		if !in {
			return 0, false
		}
	}
	return tier, true
}

// search returns the best `limit` rows whose names have, for every word, a word starting with it: more
// whole-word matches first, then rank-key order. It reads rows in rank-key order from the postings of the
// word with the fewest, and stops as soon as `limit` rows match every word that can match whole.
func (n *dirNames) search(words []string, limit int) []dirCand {
	if len(words) == 0 || limit <= 0 {
		return nil
	}
	rs, ok := n.ranges(words)
	if !ok {
		return nil
	}
	top, driver := 0, 0
	for i, r := range rs {
		if r.exact >= 0 {
			top++
		}
		if n.rangeSize(r) < n.rangeSize(rs[driver]) {
			driver = i
		}
	}
	buckets := make([][]uint32, len(rs)+1)
	n.scan(rs[driver], func(o uint32) bool {
		tier, ok := n.match(int(o), rs)
		if !ok {
			return true
		}
		if len(buckets[tier]) < limit {
			buckets[tier] = append(buckets[tier], o)
		}
		return tier != top || len(buckets[tier]) < limit
	})
	return n.best(buckets, limit)
}

// best returns the first limit rows of buckets (ordinals by tier, each in rank-key order), top tier first.
func (n *dirNames) best(buckets [][]uint32, limit int) []dirCand {
	out := make([]dirCand, 0, limit)
	for t := len(buckets) - 1; t >= 0 && len(out) < limit; t-- {
		for _, o := range buckets[t] {
			if len(out) == limit {
				break
			}
			out = append(out, dirCand{rk: n.rks[o], tier: t})
		}
	}
	return out
}

// searchBirth returns the best `limit` rows born on day birth (see dirBirthKey) whose names have a word in
// each of rs (any name when rs is empty): more whole-word matches first, then rank-key order.
func (n *dirNames) searchBirth(birth uint16, rs []dirNameRange, limit int) []dirCand {
	if birth == 0 || limit <= 0 {
		return nil
	}
	top := 0
	for _, r := range rs {
		if r.exact >= 0 {
			top++
		}
	}
	buckets := make([][]uint32, len(rs)+1)
	i, _ := slices.BinarySearchFunc(n.byBirth, birth, func(o uint32, d uint16) int { return cmp.Compare(n.birth[o], d) })
	for ; i < len(n.byBirth) && n.birth[n.byBirth[i]] == birth; i++ {
		o := n.byBirth[i]
		tier := 0
		if len(rs) > 0 {
			var ok bool
			if tier, ok = n.match(int(o), rs); !ok {
				continue
			}
		}
		if len(buckets[tier]) < limit {
			buckets[tier] = append(buckets[tier], o)
		} else if tier == top {
			break
		}
	}
	return n.best(buckets, limit)
}

// rangeSize is how many postings a vocabulary range holds.
func (n *dirNames) rangeSize(r dirNameRange) uint32 { return n.postOff[r.hi] - n.postOff[r.lo] }

// scan calls visit, in ascending order and once each, with the ordinals holding a word of range r, until
// visit returns false.
func (n *dirNames) scan(r dirNameRange, visit func(uint32) bool) {
	size := n.rangeSize(r)
	switch {
	case r.hi-r.lo == 1:
		for _, o := range n.posts[n.postOff[r.lo]:n.postOff[r.hi]] {
			if !visit(o) {
				return
			}
		}
	case int(size) > len(n.rks)/4 || r.hi-r.lo > 4096:
		// most rows hold such a word: reading every row in order is cheaper than merging the lists
		for o := range uint32(len(n.rks)) {
			for _, id := range n.words(int(o)) {
				if id >= r.lo && id < r.hi {
					if !visit(o) {
						return
					}
					break
				}
			}
		}
	default:
		n.merge(r, visit)
	}
}

// merge visits the union of a range's postings in ascending order, through a min-heap of list heads.
func (n *dirNames) merge(r dirNameRange, visit func(uint32) bool) {
	type head struct{ at, end uint32 }
	h := make([]head, 0, r.hi-r.lo)
	for w := r.lo; w < r.hi; w++ {
		if a, e := n.postOff[w], n.postOff[w+1]; a < e {
			h = append(h, head{a, e})
		}
	}
	less := func(i, j int) bool { return n.posts[h[i].at] < n.posts[h[j].at] }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && less(r, l) {
				l = r
			}
			if !less(l, i) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	last := int64(-1)
	for len(h) > 0 {
		o := n.posts[h[0].at]
		if int64(o) != last {
			if !visit(o) {
				return
			}
			last = int64(o)
		}
		if h[0].at++; h[0].at == h[0].end {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}
