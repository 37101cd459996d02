package index

import (
	"cmp"
	"strings"
)

// The search ranking: how a directory search orders its matches. Every rule of it is in this file.
//
//  1. Identifier matches first, by how strongly each row matches, summed over the query's identifiers: a
//     CPF, chaveUnica, card or matrícula (PrioStrong) before a contract number (PrioContract) before a
//     phone (PrioPhone).
//  2. Then rows whose names have more query words as whole words (the tier); a query word that is only the
//     prefix of a name word counts for nothing here.
//  3. Then rank-key order: shorter folded names first, then alphabetical on their first rankChars characters
//     (RankBase); inside such a group a bulk build orders by the whole folded name (CompareNames) and then
//     by identity, and an upsert comes after the group's last member (NextRank).
//
// A stored rank key is a cached copy of rule 3, not the ranking itself: a directory file records the
// RankingVersion it was built with, and opening a file built with another one rebuilds it from its records.

// RankingVersion stamps the ranking. Bump it whenever rule 3 changes (RankBase, the rank key layout,
// CompareNames, NextRank): stored rank keys are stale then. Rules 1 and 2 are applied at query time, and a
// change to them alone needs no rebuild.
const RankingVersion = 1

// Rank key layout (63 bits): folded name length (6) | first rankChars folded characters, 5 bits each (35) |
// counter inside the group (rankCounterBits).
const (
	rankChars       = 7
	rankCounterBits = 22
	// RankCounterMax is the last counter of a group: a group holds RankCounterMax+1 rank keys.
	RankCounterMax = 1<<rankCounterBits - 1
)

// RankBase is the first rank key of the group of a folded name (words joined by one space): shorter names
// first, then alphabetical on the first characters (space, digits, a to z, anything else).
func RankBase(folded string) int64 {
	v := int64(min(len(folded), 63))
	for i := 0; i < rankChars; i++ {
		var c int64
		if i < len(folded) {
			switch ch := folded[i]; {
			case ch == ' ':
				c = 0
			case ch >= '0' && ch <= '9':
				c = 1
			case ch >= 'a' && ch <= 'z':
				c = int64(ch-'a') + 2
			default:
				c = 28
			}
		}
		v = v<<5 | c
	}
	return v << rankCounterBits
}

// RankGroup is the group (the RankBase) a rank key belongs to.
func RankGroup(rk int64) int64 { return rk &^ RankCounterMax }

// CompareNames orders two folded names of one group (or of any groups, given their RankBase) as a bulk build
// gives them rank keys: by group, then by the whole folded name. The build orders equal names by identity.
func CompareNames(baseA int64, a string, baseB int64, b string) int {
	if c := cmp.Compare(baseA, baseB); c != 0 { // most pairs differ here: the names are not compared
		return c
	}
	return strings.Compare(a, b)
}

// NextRank is the rank key after last in the group of base, or the group's first when it has no member yet
// (has false); false when the group is full.
func NextRank(base, last int64, has bool) (int64, bool) {
	switch {
	case !has:
		return base, true
	case last >= base+RankCounterMax:
		return 0, false
	}
	return last + 1, true
}

// Identifier priorities: how strongly a row matches an identifier (rule 1).
const (
	PrioPhone    = 1
	PrioContract = 2
	PrioStrong   = 3 // CPF, chaveUnica, card or matrícula
)

// Hit is a matching row of a search with what ranks it.
type Hit struct {
	RK   int64 // rank key
	Prio int   // identifier priorities summed over the query's identifiers (rule 1); 0 without identifiers
	Tier int   // query words matching a whole name word (rule 2)
}

// Compare orders hits best first (rules 1, 2 and 3).
func Compare(a, b Hit) int {
	return cmp.Or(cmp.Compare(b.Prio, a.Prio), cmp.Compare(b.Tier, a.Tier), cmp.Compare(a.RK, b.RK))
}

// Score is the relevance reported for the hit at position pos of n ranked ones: higher first, identifier
// matches far above names, whole-word matches above prefixes.
func Score(h Hit, pos, n int) float64 {
	return float64(h.Prio)*1000 + float64(h.Tier)*10 + 1 - float64(pos)/float64(n)
}

// best returns the first limit rows of buckets (ordinals by tier, each in rank-key order), the top tier
// first (rules 2 and 3).
func (n *Index) best(buckets [][]uint32, limit int) []Hit {
	out := make([]Hit, 0, limit)
	for t := len(buckets) - 1; t >= 0 && len(out) < limit; t-- {
		for _, o := range buckets[t] {
			if len(out) == limit {
				break
			}
			out = append(out, Hit{RK: n.rks[o], Tier: t})
		}
	}
	return out
}
