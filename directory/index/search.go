package index

import (
	"cmp"
	"slices"
	"sort"
)

// Range is a query word's vocabulary range and, when it is a whole word, its id.
type Range struct {
	lo, hi uint32
	exact  int64 // -1 when the word is no whole word
}

// Ranges returns the vocabulary range of each query word (folded); false when a word starts no word at all.
func (n *Index) Ranges(words []string) ([]Range, bool) {
	rs := make([]Range, len(words))
	for i, w := range words {
		lo := sort.SearchStrings(n.vocab, w)
		hi := sort.SearchStrings(n.vocab, w+"\xff")
		if lo == hi {
			return nil, false
		}
		rs[i] = Range{lo: uint32(lo), hi: uint32(hi), exact: -1}
		if n.vocab[lo] == w {
			rs[i].exact = int64(lo)
		}
	}
	return rs, true
}

// Ordinal finds the row of a rank key (false for a dead one, see Without).
func (n *Index) Ordinal(rk int64) (int, bool) {
	o, ok := slices.BinarySearch(n.rks, rk)
	return o, ok && !n.isDead(uint32(o))
}

// Match reports whether row o has, for every range, a word in it, and how many of them whole (the tier).
func (n *Index) Match(o int, rs []Range) (tier int, ok bool) {
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

// Search returns the best `limit` rows whose names have, for every word (folded), a word starting with it, in
// the order of ranking.go. It reads rows in rank-key order from the postings of the word with the fewest, and
// stops as soon as `limit` rows match every word that can match whole.
func (n *Index) Search(words []string, limit int) []Hit {
	if len(words) == 0 || limit <= 0 {
		return nil
	}
	rs, ok := n.Ranges(words)
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
		if n.isDead(o) {
			return true
		}
		tier, ok := n.Match(int(o), rs)
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

// SearchBirth returns the best `limit` rows born on day birth (see BirthKey) whose names have a word in each
// of rs (any name when rs is empty), in the order of ranking.go.
func (n *Index) SearchBirth(birth uint16, rs []Range, limit int) []Hit {
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
		if n.isDead(o) {
			continue
		}
		tier := 0
		if len(rs) > 0 {
			var ok bool
			if tier, ok = n.Match(int(o), rs); !ok {
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
func (n *Index) rangeSize(r Range) uint32 { return n.postOff[r.hi] - n.postOff[r.lo] }

// scan calls visit, in ascending order and once each, with the ordinals holding a word of range r, until
// visit returns false.
func (n *Index) scan(r Range, visit func(uint32) bool) {
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
func (n *Index) merge(r Range, visit func(uint32) bool) {
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
