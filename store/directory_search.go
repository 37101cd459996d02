package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/balcao/balcao/model"
)

// DefaultSearchLimit caps a search's matches when the caller gives no limit.
const DefaultSearchLimit = 50

// maxSearchLimit bounds what a caller may ask for.
const maxSearchLimit = 1000

// dirMaxWords is how many name words a search uses (model.Classify keeps at most 8 too).
const dirMaxWords = 8

// dirCand is a ranked beneficiary of a search.
type dirCand struct {
	b    *model.Beneficiary // already read, or nil
	rk   int64
	kp   int // identifier priority, summed over the query's identifiers (see dirIdent.prio)
	tier int // query words matching a whole name word
}

// Identifier priorities: how strongly a row matches an identifier.
const (
	dirPrioPhone    = 1
	dirPrioContract = 2
	dirPrioStrong   = 3 // CPF, chaveUnica, card or matrícula
)

// dirIdent is a query identifier normalised for each kind it may be.
type dirIdent struct {
	cpf, chave, card, phone, phoneLocal, contract, matricula string
	hasContract                                              bool
}

// Search finds beneficiaries matching every part of q (identifiers, name words as prefixes in any order,
// birth date) and returns one match per (beneficiary, contract), at most limit (DefaultSearchLimit when
// limit <= 0). Order: identifier matches first (CPF, card, chaveUnica and matrícula before contract before phone), then
// the names with more whole-word matches, then shorter names, then name order. A contract-number match lists
// only the matching contract. An empty query finds nothing.
func (d *Directory) Search(ctx context.Context, q model.Query, limit int) ([]model.Match, error) {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	words := dirQueryWords(q.Words)
	ids := make([]dirIdent, 0, len(q.IDs))
	for _, id := range q.IDs {
		if di, ok := dirIdentOf(id); ok {
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
	var (
		cands []dirCand
		err   error
	)
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

// dirQueryWords folds the query words again (callers may pass raw text), deduplicated and capped.
func dirQueryWords(in []string) []string {
	var out []string
	for _, w := range in {
		for _, f := range model.NameWords(w) {
			if len(out) < dirMaxWords && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// dirIdentOf normalises an identifier for each of its kinds; false when no kind can match anything.
func dirIdentOf(id model.Identifier) (dirIdent, bool) {
	var di dirIdent
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

// dirCapped is a name index's candidate list cut to its first rows (see identSQL): the rank keys kept, and
// the priority of the kind they were candidates of.
type dirCapped struct {
	rks  []int64
	prio int
}

// identSQL returns the membership condition of an identifier and its args: its keys (see dirKeysOf), and
// the name index n's candidates for its phone, matrícula and contract number. A CPF is looked up as a
// chaveUnica too (most are both): such candidates, and the name index's, are checked on the rows (see
// checked). With capAt > 0 each of the name index's lists is cut to its first capAt rows, and the cut
// lists are returned: a company's contract may have thousands of holders.
func (di dirIdent) identSQL(n *dirNames, capAt int) (string, []any, []dirCapped) {
	var keys, args []any
	if di.cpf != "" {
		keys = append(keys, dirKeyOf(dirKeyChave, di.cpf), dirKeyOf(dirKeyCPF, di.cpf))
	}
	if di.chave != "" {
		keys = append(keys, dirKeyOf(dirKeyChave, di.chave))
	}
	if di.card != "" {
		keys = append(keys, dirKeyOf(dirKeyCard, di.card))
	}
	var subs []string // one IN of a UNION: SQLite then reads the candidates by rank key, never the whole table
	if len(keys) > 0 {
		subs = append(subs, `SELECT rk FROM keys WHERE key IN (`+strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")+`)`)
		args = append(args, keys...)
	}
	var (
		rks    []int64
		capped []dirCapped
	)
	take := 0 // one more than kept tells a cut list
	if capAt > 0 {
		take = capAt + 1
	}
	memo := func(prio int, list []int64) {
		if capAt > 0 && len(list) > capAt {
			list = list[:capAt]
			capped = append(capped, dirCapped{rks: list, prio: prio})
		}
		rks = append(rks, list...)
	}
	if local := di.phoneKey(); local != "" {
		memo(dirPrioPhone, n.phoneRKs(local, take))
	}
	if di.matricula != "" {
		memo(dirPrioStrong, n.matriculaRKs(di.matricula, take))
	}
	if di.hasContract {
		memo(dirPrioContract, n.contractRKs(di.contract, take))
	}
	if len(rks) > 0 {
		subs = append(subs, `SELECT value FROM json_each(?)`)
		args = append(args, dirJSONList(rks))
	}
	if len(subs) == 0 {
		return `0`, nil, nil
	}
	return `b.rk IN (` + strings.Join(subs, ` UNION `) + `)`, args, capped
}

// checked reports whether the identifier's candidates must be checked on the rows (see identSQL).
func (di dirIdent) checked() bool {
	return di.cpf != "" || di.phoneKey() != "" || di.matricula != "" || di.hasContract
}

// phoneKey is the number without DDD the identifier's phone is searched by, or "".
func (di dirIdent) phoneKey() string {
	switch {
	case di.phone != "":
		return di.phone[2:]
	default:
		return di.phoneLocal
	}
}

// prio is how strongly b matches the identifier (see dirPrioStrong), 0 when it does not.
func (di dirIdent) prio(b *model.Beneficiary) int {
	switch {
	case di.matchesStrong(b):
		return dirPrioStrong
	case di.hasContract && slices.ContainsFunc(b.Contracts, func(c model.ContractRef) bool {
		return model.ContractKey(c.Number) == di.contract
	}):
		return dirPrioContract
	case di.matchesPhone(b):
		return dirPrioPhone
	}
	return 0
}

// matchesStrong reports whether b matches the identifier by CPF, chaveUnica, card or matrícula.
func (di dirIdent) matchesStrong(b *model.Beneficiary) bool {
	return di.cpf != "" && b.CPF == di.cpf || di.chave != "" && b.ChaveUnica == di.chave ||
		di.card != "" && b.Card == di.card || di.matricula != "" && model.MatriculaKey(b.IDMatricula) == di.matricula
}

// matchesPhone reports whether b matches the identifier by phone.
func (di dirIdent) matchesPhone(b *model.Beneficiary) bool {
	full, local := model.PhoneKeys(b.Phone)
	return di.phone != "" && full == di.phone || di.phoneLocal != "" && local == di.phoneLocal
}

// matchesOther reports whether b matches the identifier by a kind other than the contract number.
func (di dirIdent) matchesOther(b *model.Beneficiary) bool {
	return di.matchesStrong(b) || di.matchesPhone(b)
}

// searchFiltered serves queries with identifiers or a birth date. Identifiers have few candidates, found
// through the keys (phones, matrículas and contracts through the name index) and read in rank-key order;
// each is ranked by how it matches (see prio), and name words and the birth date are checked on it. A
// birth date alone is searched in the name index.
func (d *Directory) searchFiltered(ctx context.Context, ids []dirIdent, date string, words []string, limit int) ([]dirCand, error) {
	names, err := d.namesFor(ctx)
	if err != nil {
		return nil, err
	}
	var rs []dirNameRange
	if len(words) > 0 {
		var ok bool
		if rs, ok = names.ranges(words); !ok {
			return nil, nil
		}
	}
	if len(ids) == 0 {
		return names.searchBirth(dirBirthKey(date), rs, limit), nil
	}
	// one identifier alone: its best rows are among the first of each candidate list
	capAt := 0
	if len(ids) == 1 && len(rs) == 0 && date == "" {
		capAt = 2*limit + 32
	}
	out, capped, err := d.searchIdents(ctx, names, ids, date, rs, limit, capAt)
	if err != nil || !dirCapsHeld(out, capped, limit) {
		out, _, err = d.searchIdents(ctx, names, ids, date, rs, limit, 0)
	}
	return out, err
}

// dirCapsHeld reports whether out, the best rows of a search with cut candidate lists, are those of the
// whole lists. A row left out of a cut list comes after all the list's rows, so it cannot be among the best
// when limit rows of out rank before any such row: a stronger match, or as strong and earlier.
func dirCapsHeld(out []dirCand, capped []dirCapped, limit int) bool {
	for _, c := range capped {
		last, n := c.rks[len(c.rks)-1], 0
		for _, o := range out {
			if o.kp > c.prio || o.kp == c.prio && o.rk <= last {
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
func (d *Directory) searchIdents(ctx context.Context, names *dirNames, ids []dirIdent, date string,
	rs []dirNameRange, limit, capAt int) ([]dirCand, []dirCapped, error) {
	var (
		conds  []string
		args   []any
		capped []dirCapped
	)
	for _, di := range ids {
		m, ma, c := di.identSQL(names, capAt)
		conds = append(conds, m)
		args = append(args, ma...)
		capped = append(capped, c...)
	}
	// candidates of the name index and the birth date are checked on the rows: then SQL cannot stop at the limit
	check := date != "" || slices.ContainsFunc(ids, dirIdent.checked)
	query := `SELECT ` + dirColumns + ` FROM beneficiaries b WHERE ` + strings.Join(conds, ` AND `) + ` ORDER BY b.rk`
	if len(rs) == 0 && !check {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := d.query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []dirCand
	for rows.Next() {
		var c dirCand
		b, err := dirScanInto(rows, &c.rk)
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
			c.kp += p
		}
		if !held {
			continue
		}
		if len(rs) > 0 {
			o, ok := names.ordinal(c.rk)
			if !ok {
				continue // written after the index was read
			}
			if c.tier, ok = names.match(o, rs); !ok {
				continue
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(out, func(a, b dirCand) int { // rows come by rank key
		if a.kp != b.kp {
			return b.kp - a.kp
		}
		return b.tier - a.tier
	})
	return out[:min(len(out), limit)], capped, nil
}

// searchNames finds the best names for words in the in-memory name index (see dirNames.search).
func (d *Directory) searchNames(ctx context.Context, words []string, limit int) ([]dirCand, error) {
	n, err := d.namesFor(ctx)
	if err != nil {
		return nil, err
	}
	return n.search(words, limit), nil
}

// matches loads the ranked beneficiaries and expands them into one match per (beneficiary, contract).
func (d *Directory) matches(ctx context.Context, cands []dirCand, ids []dirIdent, limit int) ([]model.Match, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	var rks []int64
	for _, c := range cands {
		if c.b == nil {
			rks = append(rks, c.rk)
		}
	}
	got, err := d.load(ctx, rks)
	if err != nil {
		return nil, fmt.Errorf("directory search: %w", err)
	}
	for _, c := range cands {
		if c.b != nil {
			got[c.rk] = *c.b
		}
	}
	out := make([]model.Match, 0, min(limit, len(cands)))
	for i, c := range cands {
		b, ok := got[c.rk]
		if !ok {
			continue // replaced between the two reads
		}
		score := float64(c.kp)*1000 + float64(c.tier)*10 + 1 - float64(i)/float64(len(cands))
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
