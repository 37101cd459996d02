package directory

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// DefaultSearchLimit caps a search's matches when the caller gives no limit.
const DefaultSearchLimit = 50

// maxSearchLimit bounds what a caller may ask for.
const maxSearchLimit = 1000

// maxWords is how many name words a search uses (model.Classify keeps at most 8 too).
const maxWords = 8

// cand is a ranked beneficiary of a search.
type cand struct {
	index.Hit
	b *model.Beneficiary // already read, or nil
}

// ident is a query identifier normalised for each kind it may be.
type ident struct {
	cpf, chave, card, phone, phoneLocal, contract, matricula string
	hasContract                                              bool
}

// Search finds beneficiaries matching every part of q (identifiers, name words as prefixes in any order,
// birth date) and returns one match per (beneficiary, contract), at most limit (DefaultSearchLimit when
// limit <= 0), in the order of the search ranking (see package index): identifier matches first (CPF, card,
// chaveUnica and matrícula before contract before phone), then the names with more whole-word matches, then
// shorter names, then name order. A contract-number match lists only the matching contract. An empty query
// finds nothing.
func (d *Directory) Search(ctx context.Context, q model.Query, limit int) (_ []model.Match, err error) {
	defer d.guard(&err, debug.SetPanicOnFault(true))
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	words := queryWords(q.Words)
	ids := make([]ident, 0, len(q.IDs))
	for _, id := range q.IDs {
		if di, ok := identOf(id); ok {
			ids = append(ids, di)
		} else {
			return nil, nil // an identifier that cannot match anything: nothing matches all parts
		}
	}
	date := ""
	if q.BirthDate != "" {
		t, ok := model.ParseDate(q.BirthDate)
		if !ok {
			return nil, nil
		}
		date = t.Format("2006-01-02")
	}
	select { // see Directory.searching
	case d.searching <- struct{}{}:
		defer func() { <-d.searching }()
	case <-ctx.Done():
		return nil, fmt.Errorf("directory search: %w", ctx.Err())
	}
	var cands []cand
	switch {
	case len(ids) > 0 || date != "":
		cands, err = d.searchFiltered(ctx, ids, date, words, limit)
	case len(words) > 0:
		cands, err = d.searchNames(ctx, words, limit)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("directory search: %w", err)
	}
	return d.matches(ctx, cands, ids, limit)
}

// guard turns a runtime error of a search — an index file damaged after it was checked, or cut while
// mapped: a memory fault, with debug.SetPanicOnFault on during the search — into an error wrapping
// index.ErrFile, logged, instead of a crash; other panics go on. Deferred at the start of a search, with the
// goroutine's setting before (faults).
func (d *Directory) guard(err *error, faults bool) {
	debug.SetPanicOnFault(faults)
	r := recover()
	if r == nil {
		return
	}
	re, ok := r.(runtime.Error)
	if !ok {
		panic(r)
	}
	d.log.Error("directory search failed on the name index", "err", re.Error())
	*err = fmt.Errorf("directory search: %w: %v", index.ErrFile, re)
}

// queryWords folds the query words again (callers may pass raw text), deduplicated and capped.
func queryWords(in []string) []string {
	var out []string
	for _, w := range in {
		for _, f := range model.NameWords(w) {
			if len(out) < maxWords && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// identOf normalises an identifier for each of its kinds; false when no kind can match anything.
func identOf(id model.Identifier) (ident, bool) {
	var di ident
	ok := false
	for _, k := range id.Kinds {
		switch k {
		case model.IDCPF:
			if c := model.Digits(id.Value); len(c) == 11 {
				di.cpf, ok = c, true
			}
		case model.IDChaveUnica:
			if c := model.NormalizeChave(id.Value); c != "" {
				di.chave, ok = c, true
			}
		case model.IDCard:
			if c, valid := model.NormalizeCard(id.Value); valid {
				di.card, ok = c, true
			}
		case model.IDPhone:
			full, _ := model.PhoneKeys(id.Value)
			switch {
			case len(full) >= 10:
				di.phone, ok = full, true
			case len(full) >= 8:
				di.phoneLocal, ok = full, true
			}
		case model.IDContract:
			if c := model.ContractKey(id.Value); c != "" {
				di.contract, di.hasContract, ok = c, true, true
			}
		case model.IDMatricula:
			if c := model.MatriculaKey(id.Value); c != "" {
				di.matricula, ok = c, true
			}
		}
	}
	return di, ok
}

// cutList is a name index's candidate list cut to its first rows (see identSQL): the rank keys kept, and
// the priority of the kind they were candidates of.
type cutList struct {
	rks  []int64
	prio int
}

// identSQL returns the membership condition of an identifier and its args: its keys (see keysOf), and
// the name index n's candidates for its phone, matrícula and contract number. A CPF is looked up as a
// chaveUnica too (most are both): such candidates, and the name index's, are checked on the rows (see
// checked). With capAt > 0 each of the name index's lists is cut to its first capAt rows, and the cut
// lists are returned: a company's contract may have thousands of holders.
func (di ident) identSQL(n *names, capAt int) (string, []any, []cutList) {
	var keys, args []any
	if di.cpf != "" {
		keys = append(keys, keyOf(keyChave, di.cpf), keyOf(keyCPF, di.cpf))
	}
	if di.chave != "" {
		keys = append(keys, keyOf(keyChave, di.chave))
	}
	if di.card != "" {
		keys = append(keys, keyOf(keyCard, di.card))
	}
	var subs []string // one IN of a UNION: SQLite then reads the candidates by rank key, never the whole table
	if len(keys) > 0 {
		subs = append(subs, `SELECT rk FROM keys WHERE key IN (`+strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")+`)`)
		args = append(args, keys...)
	}
	var (
		rks    []int64
		capped []cutList
	)
	take := 0 // one more than kept tells a cut list
	if capAt > 0 {
		take = capAt + 1
	}
	memo := func(prio int, list []int64) {
		if capAt > 0 && len(list) > capAt {
			list = list[:capAt]
			capped = append(capped, cutList{rks: list, prio: prio})
		}
		rks = append(rks, list...)
	}
	if local := di.phoneKey(); local != "" {
		memo(index.PrioPhone, n.PhoneRKs(local, take))
	}
	if di.matricula != "" {
		memo(index.PrioStrong, n.MatriculaRKs(di.matricula, take))
	}
	if di.hasContract {
		memo(index.PrioContract, n.ContractRKs(di.contract, take))
	}
	if len(rks) > 0 {
		subs = append(subs, `SELECT value FROM json_each(?)`)
		args = append(args, jsonList(rks))
	}
	if len(subs) == 0 {
		return `0`, nil, nil
	}
	return `b.rk IN (` + strings.Join(subs, ` UNION `) + `)`, args, capped
}

// checked reports whether the identifier's candidates must be checked on the rows (see identSQL).
func (di ident) checked() bool {
	return di.cpf != "" || di.phoneKey() != "" || di.matricula != "" || di.hasContract
}

// phoneKey is the number without DDD the identifier's phone is searched by, or "".
func (di ident) phoneKey() string {
	switch {
	case di.phone != "":
		return di.phone[2:]
	default:
		return di.phoneLocal
	}
}

// prio is how strongly b matches the identifier (see index.PrioStrong), 0 when it does not.
func (di ident) prio(b *model.Beneficiary) int {
	switch {
	case di.matchesStrong(b):
		return index.PrioStrong
	case di.hasContract && slices.ContainsFunc(b.Contracts, func(c model.ContractRef) bool {
		return model.ContractKey(c.Number) == di.contract
	}):
		return index.PrioContract
	case di.matchesPhone(b):
		return index.PrioPhone
	}
	return 0
}

// matchesStrong reports whether b matches the identifier by CPF, chaveUnica, card or matrícula.
func (di ident) matchesStrong(b *model.Beneficiary) bool {
	return di.cpf != "" && b.CPF == di.cpf || di.chave != "" && b.ChaveUnica == di.chave ||
		di.card != "" && b.Card == di.card || di.matricula != "" && model.MatriculaKey(b.IDMatricula) == di.matricula
}

// matchesPhone reports whether b matches the identifier by phone.
func (di ident) matchesPhone(b *model.Beneficiary) bool {
	full, local := model.PhoneKeys(b.Phone)
	return di.phone != "" && full == di.phone || di.phoneLocal != "" && local == di.phoneLocal
}

// matchesOther reports whether b matches the identifier by a kind other than the contract number.
func (di ident) matchesOther(b *model.Beneficiary) bool {
	return di.matchesStrong(b) || di.matchesPhone(b)
}

// searchFiltered serves queries with identifiers or a birth date. Identifiers have few candidates, found
// through the keys (phones, matrículas and contracts through the name index) and read in rank-key order;
// each is ranked by how it matches (see prio), and name words and the birth date are checked on it. A
// birth date alone is searched in the name index.
func (d *Directory) searchFiltered(ctx context.Context, ids []ident, date string, words []string, limit int) ([]cand, error) {
	names, err := d.namesFor(ctx)
	if err != nil {
		return nil, err
	}
	var rs *nameRanges // nil without words
	if len(words) > 0 {
		r, ok := names.Ranges(words)
		if !ok {
			return nil, nil
		}
		rs = &r
	}
	if len(ids) == 0 {
		var r nameRanges
		if rs != nil {
			r = *rs
		}
		return candsOf(names.SearchBirth(index.BirthKey(date), r, limit, rs != nil)), nil
	}
	// one identifier alone: its best rows are among the first of each candidate list
	capAt := 0
	if len(ids) == 1 && rs == nil && date == "" {
		capAt = 2*limit + 32
	}
	out, capped, err := d.searchIdents(ctx, names, ids, date, rs, limit, capAt)
	if err != nil || !capsHeld(out, capped, limit) {
		out, _, err = d.searchIdents(ctx, names, ids, date, rs, limit, 0)
	}
	return out, err
}

// capsHeld reports whether out, the best rows of a search with cut candidate lists, are those of the
// whole lists. A row left out of a cut list comes after all the list's rows, so it cannot be among the best
// when limit rows of out rank no later than the list's last row would.
func capsHeld(out []cand, capped []cutList, limit int) bool {
	for _, c := range capped {
		last, n := index.Hit{RK: c.rks[len(c.rks)-1], Prio: c.prio}, 0
		for _, o := range out {
			if index.Compare(o.Hit, last) <= 0 {
				n++
			}
		}
		if n < limit {
			return false
		}
	}
	return true
}

// searchIdents reads the rows of the identifiers' candidates (name index lists cut at capAt, see identSQL)
// and ranks the ones matching; it returns them and the cut lists.
func (d *Directory) searchIdents(ctx context.Context, names *names, ids []ident, date string,
	rs *nameRanges, limit, capAt int) ([]cand, []cutList, error) {
	var (
		conds  []string
		args   []any
		capped []cutList
	)
	for _, di := range ids {
		m, ma, c := di.identSQL(names, capAt)
		conds = append(conds, m)
		args = append(args, ma...)
		capped = append(capped, c...)
	}
	// candidates of the name index and the birth date are checked on the rows: then SQL cannot stop at the limit
	check := date != "" || slices.ContainsFunc(ids, ident.checked)
	query := `SELECT ` + columns + ` FROM beneficiaries b WHERE ` + strings.Join(conds, ` AND `) + ` ORDER BY b.rk`
	if rs == nil && !check {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := d.query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []cand
	for rows.Next() {
		var c cand
		b, err := scanInto(rows, &c.RK)
		if err != nil {
			return nil, nil, err
		}
		c.b = &b
		if date != "" && b.BirthDate != date {
			continue
		}
		held := true
		for _, di := range ids {
			p := di.prio(&b)
			held = held && p > 0
			c.Prio += p
		}
		if !held {
			continue
		}
		if rs != nil {
			var ok bool
			if c.Tier, ok = names.Match(c.RK, *rs); !ok {
				continue // no match, or written after the index was read
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	slices.SortFunc(out, func(a, b cand) int { return index.Compare(a.Hit, b.Hit) })
	return out[:min(len(out), limit)], capped, nil
}

// searchNames finds the best names for words in the in-memory name index (see index.Index.Search).
func (d *Directory) searchNames(ctx context.Context, words []string, limit int) ([]cand, error) {
	n, err := d.namesFor(ctx)
	if err != nil {
		return nil, err
	}
	return candsOf(n.Search(words, limit)), nil
}

// candsOf are the name index's hits as candidates still to read.
func candsOf(hits []index.Hit) []cand {
	if len(hits) == 0 {
		return nil
	}
	out := make([]cand, len(hits))
	for i, h := range hits {
		out[i] = cand{Hit: h}
	}
	return out
}

// matches loads the ranked beneficiaries and expands them into one match per (beneficiary, contract).
func (d *Directory) matches(ctx context.Context, cands []cand, ids []ident, limit int) ([]model.Match, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	var rks []int64
	for _, c := range cands {
		if c.b == nil {
			rks = append(rks, c.RK)
		}
	}
	got, err := d.readRows(ctx, rks)
	if err != nil {
		return nil, fmt.Errorf("directory search: %w", err)
	}
	for _, c := range cands {
		if c.b != nil {
			got[c.RK] = *c.b
		}
	}
	out := make([]model.Match, 0, min(limit, len(cands)))
	for i, c := range cands {
		b, ok := got[c.RK]
		if !ok {
			continue // replaced between the two reads
		}
		score := index.Score(c.Hit, i, len(cands))
		contracts := b.Contracts
		for _, di := range ids {
			if di.hasContract && !di.matchesOther(&b) {
				contracts = slices.DeleteFunc(slices.Clone(contracts), func(cr model.ContractRef) bool {
					return model.ContractKey(cr.Number) != di.contract
				})
			}
		}
		if len(contracts) == 0 {
			if len(b.Contracts) > 0 {
				continue
			}
			contracts = []model.ContractRef{{}}
		}
		for _, cr := range contracts {
			if len(out) == limit {
				return out, nil
			}
			out = append(out, model.Match{Beneficiary: b, Contract: cr, Score: score})
		}
	}
	return out, nil
}
