// Package index is the beneficiary directory's name index and its search ranking (ranking.go): every
// beneficiary's name words as word ids, and each word's beneficiaries (postings), all in rank-key order; with
// them each beneficiary's birth date, phone, matrícula and contract numbers, the identifiers searched here
// rather than in SQLite. An index is built in memory (Builder, for small ones) or written to a file in
// bounded memory (FileWriter) and mapped from it (Map); both are the same arrays.
//
// Phones, matrículas and contracts are kept as 32-bit hashes: a search checks them on the rows, so two values
// sharing a hash cost a row read, never a wrong match. The vocabulary is sorted, so the words a prefix stands
// for are one range of ids, and "has a word starting with w" is a range check on a row's few ids.
package index

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/balcao/balcao/model"
)

// Index is the name index of one state of a directory. Rows are numbered by ordinal, in rank-key order. It is
// immutable: changes make a new Index (see Apply), so searches may read it without locks.
type Index struct {
	vocab    []string // distinct words, sorted
	rks      []int64  // rank key of each ordinal, ascending
	rowOff   []uint32 // rowWords[rowOff[o]:rowOff[o+1]] are ordinal o's word ids
	rowWords []uint32
	postOff  []uint32 // posts[postOff[w]:postOff[w+1]] are the ordinals holding word w, ascending
	posts    []uint32
	birth    []uint16 // each ordinal's BirthKey, 0 when unknown
	byBirth  []uint32 // the ordinals with a birth date, by (date, ordinal)
	phone    []uint32 // each ordinal's phone hash (KeyHash of the number without DDD), 0 when none
	byPhone  []uint32 // the ordinals with a phone, by (hash, ordinal)
	matric   []uint32 // each ordinal's KeyHash of its model.MatriculaKey, 0 when none
	byMatric []uint32 // the ordinals with a matrícula, by (hash, ordinal)
	conOff   []uint32 // conHash[conOff[o]:conOff[o+1]] are ordinal o's contracts' hashes (of model.ContractKey)
	conHash  []uint32
	byCon    []uint32 // the positions of conHash, by (hash, position)

	dead  []uint64 // rows searches skip (a bit per ordinal), nil for none (see Without)
	owner *Index   // the Index this one is a view of, kept alive with it (its arrays may be a mapping's)
}

// Len is the number of rows, the dead ones included (see Without).
func (n *Index) Len() int { return len(n.rks) }

// Without returns a view of n whose searches skip the rows whose bit is set in dead (ordinals), as if they
// were not there: the rows a directory's later writes replaced. n is unchanged; dead must not change after.
func (n *Index) Without(dead []uint64) *Index {
	v := *n
	v.dead = dead
	if v.owner == nil {
		v.owner = n
	}
	return &v
}

// isDead reports whether row o is skipped.
func (n *Index) isDead(o uint32) bool {
	return n.dead != nil && int(o>>6) < len(n.dead) && n.dead[o>>6]>>(o&63)&1 != 0
}

// Dead returns a new set of dead rows: those of n plus the rows of rks that n holds.
func (n *Index) Dead(rks []int64) []uint64 {
	out := make([]uint64, (len(n.rks)+63)/64)
	copy(out, n.dead)
	for _, rk := range rks {
		if o, ok := slices.BinarySearch(n.rks, rk); ok {
			out[o>>6] |= 1 << (o & 63)
		}
	}
	return out
}

// Extra is what the index keeps of a row besides its name words.
type Extra struct {
	Birth     uint16   // BirthKey of the birth date
	Phone     uint32   // KeyHash of the phone without DDD
	Matricula uint32   // KeyHash of the model.MatriculaKey
	Contracts []uint32 // KeyHash of each model.ContractKey, distinct, ascending
}

// ExtraOf is the index's data of a beneficiary whose fields are stored normalised.
func ExtraOf(b *model.Beneficiary) Extra {
	_, local := model.PhoneKeys(b.Phone)
	x := Extra{Birth: BirthKey(b.BirthDate), Phone: KeyHash(local), Matricula: KeyHash(model.MatriculaKey(b.IDMatricula))}
	for _, c := range b.Contracts {
		if h := KeyHash(model.ContractKey(c.Number)); h != 0 {
			x.Contracts = append(x.Contracts, h)
		}
	}
	if len(x.Contracts) > 1 {
		slices.Sort(x.Contracts)
		x.Contracts = slices.Compact(x.Contracts)
	}
	return x
}

// Equal reports whether two rows' extras are the same.
func (x Extra) Equal(y Extra) bool {
	return x.Birth == y.Birth && x.Phone == y.Phone && x.Matricula == y.Matricula && slices.Equal(x.Contracts, y.Contracts)
}

// Words are the distinct folded words of a name, in order: what the index keeps of it.
func Words(name string) []string {
	ws := model.NameWords(name)
	out := ws[:0]
	for i, w := range ws {
		if !slices.Contains(ws[:i], w) {
			out = append(out, w)
		}
	}
	return out
}

// BirthKey is a stored birth date (YYYY-MM-DD) as days since 1899-12-31 (1900-01-01 to 2079-06-06); 0 for any
// other text or date.
func BirthKey(date string) uint16 {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0
	}
	d := t.Sub(birthEpoch) / (24 * time.Hour)
	if d < 1 || d > math.MaxUint16 {
		return 0
	}
	return uint16(d)
}

var birthEpoch = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)

// KeyHash is the index key of an identifier in its stored form (FNV-1a, never 0; 0 for none). Searches check
// the identifier on the row, so two values sharing a hash cost a row read, never a wrong match.
func KeyHash(v string) uint32 {
	if v == "" {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(v); i++ {
		h ^= uint32(v[i])
		h *= 16777619
	}
	return max(h, 1)
}

// Builder gathers rows in rank-key order and turns them into an index.
type Builder struct {
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

// NewBuilder returns a builder with room for about rows rows.
func NewBuilder(rows int) *Builder {
	return &Builder{
		ids: map[string]uint32{}, rks: make([]int64, 0, rows), off: append(make([]uint32, 0, rows+1), 0),
		row: make([]uint32, 0, 4*rows), birth: make([]uint16, 0, rows), phone: make([]uint32, 0, rows),
		matric: make([]uint32, 0, rows), conOff: append(make([]uint32, 0, rows+1), 0),
		conHash: make([]uint32, 0, rows+rows/8),
	}
}

// Add appends a row; rows must come in ascending rank-key order; words are distinct folded words (see Words).
func (nb *Builder) Add(rk int64, words []string, x Extra) {
	for _, w := range words {
		nb.row = append(nb.row, nb.intern(w))
	}
	nb.endRow(rk, x)
}

// addIDs appends a row whose words are ids of vocab (an older index's vocabulary).
func (nb *Builder) addIDs(rk int64, vocab []string, ids []uint32, x Extra) {
	for _, old := range ids {
		nb.row = append(nb.row, nb.intern(vocab[old]))
	}
	nb.endRow(rk, x)
}

// intern returns the id of word w in the vocabulary being built, adding it if new.
func (nb *Builder) intern(w string) uint32 {
	id, ok := nb.ids[w]
	if !ok {
		id = uint32(len(nb.words))
		nb.ids[w] = id
		nb.words = append(nb.words, w)
	}
	return id
}

// endRow closes the row of rank key rk, whose word ids were just appended.
func (nb *Builder) endRow(rk int64, x Extra) {
	nb.rks = append(nb.rks, rk)
	nb.off = append(nb.off, uint32(len(nb.row)))
	nb.birth = append(nb.birth, x.Birth)
	nb.phone = append(nb.phone, x.Phone)
	nb.matric = append(nb.matric, x.Matricula)
	nb.conHash = append(nb.conHash, x.Contracts...)
	nb.conOff = append(nb.conOff, uint32(len(nb.conHash)))
}

// Finish sorts the vocabulary, renumbers the rows' words and computes the postings. The builder is spent.
func (nb *Builder) Finish() *Index {
	order := make([]uint32, len(nb.words))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(nb.words[a], nb.words[b]) })
	remap := make([]uint32, len(nb.words))
	vocab := make([]string, len(nb.words))
	for to, from := range order {
		remap[from] = uint32(to)
		vocab[to] = nb.words[from]
	}
	for i, id := range nb.row {
		nb.row[i] = remap[id]
	}
	n := &Index{vocab: vocab, rks: nb.rks, rowOff: nb.off, rowWords: nb.row, birth: nb.birth,
		phone: nb.phone, matric: nb.matric, conOff: nb.conOff, conHash: nb.conHash}
	n.index()
	*nb = Builder{}
	return n
}

// index computes the postings from the rows.
func (n *Index) index() {
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
	n.byPhone = byHash(n.phone)
	n.byMatric = byHash(n.matric)
	if cap(n.conHash)-len(n.conHash) > len(n.conHash)/16 {
		n.conHash = slices.Clone(n.conHash)
	}
	n.byCon = byHash(n.conHash)
	n.byBirth = byHash(n.birth)
}

// byHash returns the positions of hash (a hash or a birth day each) that are not 0, by (value, position).
func byHash[K uint16 | uint32](hash []K) []uint32 {
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
func (n *Index) words(o int) []uint32 { return n.rowWords[n.rowOff[o]:n.rowOff[o+1]] }

// extra returns what the index keeps of ordinal o besides its words (its contracts are n's: read only).
func (n *Index) extra(o int) Extra {
	return Extra{Birth: n.birth[o], Phone: n.phone[o], Matricula: n.matric[o],
		Contracts: n.conHash[n.conOff[o]:n.conOff[o+1]:n.conOff[o+1]]}
}

// hashRKs returns, in rank-key order, the rank keys of the ordinals of by (sorted by hash, see byHash) whose
// hash is KeyHash(key): the first `first` of them (all when first <= 0).
func (n *Index) hashRKs(hash, by []uint32, key string, first int) []int64 {
	var out []int64
	for _, o := range hashRun(hash, by, key) {
		if first > 0 && len(out) == first {
			break
		}
		if !n.isDead(o) {
			out = append(out, n.rks[o])
		}
	}
	return out
}

// hashRun returns the run of by (positions of hash, sorted by hash) whose hash is KeyHash(key).
func hashRun(hash, by []uint32, key string) []uint32 {
	h := KeyHash(key)
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

// PhoneRKs returns, in rank-key order, the rank keys of the rows whose phone without DDD may be local (same
// hash), the first `first` of them (all when first <= 0): the caller checks the number on the row.
func (n *Index) PhoneRKs(local string, first int) []int64 {
	return n.hashRKs(n.phone, n.byPhone, local, first)
}

// MatriculaRKs returns, in rank-key order, the rank keys of the rows whose matrícula may be key (a
// model.MatriculaKey; same hash), the first `first` of them (all when first <= 0): the caller checks it on the row.
func (n *Index) MatriculaRKs(key string, first int) []int64 {
	return n.hashRKs(n.matric, n.byMatric, key, first)
}

// ContractRKs returns, in rank-key order, the rank keys of the rows that may hold contract key (a
// model.ContractKey; same hash), the first `first` of them (all when first <= 0): the caller checks it on the row.
func (n *Index) ContractRKs(key string, first int) []int64 {
	var out []int64
	for _, p := range hashRun(n.conHash, n.byCon, key) { // positions ascend, so do their rows
		if first > 0 && len(out) == first {
			break
		}
		k, _ := slices.BinarySearch(n.conOff, p+1) // the first row starting after p: p is its predecessor's
		if !n.isDead(uint32(k - 1)) {
			out = append(out, n.rks[k-1])
		}
	}
	return out
}

// Change replaces a row of the index: the row at Old (when HasOld) goes, Words and Extra at RK (when HasNew)
// come.
type Change struct {
	Old, RK        int64
	HasOld, HasNew bool
	Words          []string
	Extra          Extra
}

// Apply returns a new index: n with the changes applied in order.
func (n *Index) Apply(changes []Change) *Index {
	type row struct {
		rk    int64
		words []string
		extra Extra
	}
	state := make(map[int64]*row, len(changes)) // nil: removed
	for _, c := range changes {
		if c.HasOld {
			state[c.Old] = nil
		}
		if c.HasNew {
			state[c.RK] = &row{c.RK, append([]string{}, c.Words...), c.Extra}
		}
	}
	var add []row
	for _, r := range state {
		if r != nil {
			add = append(add, *r)
		}
	}
	slices.SortFunc(add, func(a, b row) int { return cmp.Compare(a.rk, b.rk) })
	nb := NewBuilder(len(n.rks) + len(add))
	j := 0
	for o, rk := range n.rks {
		for j < len(add) && add[j].rk < rk {
			nb.Add(add[j].rk, add[j].words, add[j].extra)
			j++
		}
		if _, changed := state[rk]; changed || n.isDead(uint32(o)) {
			continue
		}
		nb.addIDs(rk, n.vocab, n.words(o), n.extra(o))
	}
	for ; j < len(add); j++ {
		nb.Add(add[j].rk, add[j].words, add[j].extra)
	}
	return nb.Finish()
}

// Each calls f with each row that is not dead, in rank-key order: its rank key, words (n's: read only) and
// extra (its contracts n's: read only).
func (n *Index) Each(f func(rk int64, words []string, x Extra)) {
	var ws []string
	for o, rk := range n.rks {
		if n.isDead(uint32(o)) {
			continue
		}
		ws = ws[:0]
		for _, id := range n.words(o) {
			ws = append(ws, n.vocab[id])
		}
		f(rk, ws, n.extra(o))
	}
}
