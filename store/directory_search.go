package store

import (
	"context"
	"fmt"
	"math/bits"
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
	rk   int64
	kp   int // identifier priority: 3 CPF/card/chaveUnica, 2 contract, 1 phone, 0 none
	tier int // query words matching a whole name word
}

// dirIdent is a query identifier normalised for each kind it may be.
type dirIdent struct {
	cpf, chave, card, phone, phoneLocal, contract string
	hasContract                                   bool
}

// Search finds beneficiaries matching every part of q (identifiers, name words as prefixes in any order,
// birth date) and returns one match per (beneficiary, contract), at most limit (DefaultSearchLimit when
// limit <= 0). Order: identifier matches first (CPF, card and chaveUnica before contract before phone), then
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
			if c := dirChaveKey(id.Value); c != "" {
				di.chave, ok = c, true
			}
		case model.IDCard:
			if c, valid := model.NormalizeCard(id.Value); valid {
				di.card, ok = c, true
			}
		case model.IDPhone:
			full, _ := dirPhone(id.Value)
			switch {
			case len(full) >= 10:
				di.phone, ok = full, true
			case len(full) >= 8:
				di.phoneLocal, ok = full, true
			}
		case model.IDContract:
			if c := dirContractKey(id.Value); c != "" {
				di.contract, di.hasContract, ok = c, true, true
			}
		}
	}
	return di, ok
}

// identSQL returns the membership condition and the priority expression of an identifier, with their args.
func (di dirIdent) identSQL() (member string, memberArgs []any, prio string, prioArgs []any) {
	var subs, strong []string
	add := func(sub string, v string) {
		subs = append(subs, sub)
		memberArgs = append(memberArgs, v)
	}
	if di.cpf != "" { // see dirIndexes: most CPFs are found as chaveUnica
		subs = append(subs, `SELECT rk FROM beneficiaries WHERE chave_unica = ? AND cpf = ?`,
			`SELECT rk FROM beneficiaries WHERE cpf = ? AND cpf <> chave_unica`)
		memberArgs = append(memberArgs, di.cpf, di.cpf, di.cpf)
		strong = append(strong, `b.cpf = ?`)
		prioArgs = append(prioArgs, di.cpf)
	}
	for _, c := range []struct{ col, v string }{{"chave_unica", di.chave}, {"card", di.card}} {
		if c.v != "" {
			add(`SELECT rk FROM beneficiaries WHERE `+c.col+` = ?`, c.v)
			strong = append(strong, `b.`+c.col+` = ?`)
			prioArgs = append(prioArgs, c.v)
		}
	}
	var cases []string
	if len(strong) > 0 {
		cases = append(cases, `WHEN `+strings.Join(strong, ` OR `)+` THEN 3`)
	}
	if di.contract != "" {
		add(`SELECT rk FROM contracts WHERE number_key = ?`, di.contract)
		cases = append(cases, `WHEN EXISTS (SELECT 1 FROM contracts c WHERE c.rk = b.rk AND c.number_key = ?) THEN 2`)
		prioArgs = append(prioArgs, di.contract)
	}
	if di.phone != "" {
		subs = append(subs, `SELECT rk FROM beneficiaries WHERE phone_local = ? AND phone = ?`)
		memberArgs = append(memberArgs, di.phone[2:], di.phone)
		cases = append(cases, `WHEN b.phone = ? THEN 1`)
		prioArgs = append(prioArgs, di.phone)
	}
	if di.phoneLocal != "" {
		add(`SELECT rk FROM beneficiaries WHERE phone_local = ?`, di.phoneLocal)
		cases = append(cases, `WHEN b.phone_local = ? THEN 1`)
		prioArgs = append(prioArgs, di.phoneLocal)
	}
	member = `b.rk IN (` + strings.Join(subs, ` UNION `) + `)`
	prio = `(CASE ` + strings.Join(cases, ` `) + ` ELSE 0 END)`
	return member, memberArgs, prio, prioArgs
}

// matchesOther reports whether b matches the identifier by a kind other than the contract number.
func (di dirIdent) matchesOther(b model.Beneficiary) bool {
	full, local := dirPhone(b.Phone)
	return (di.cpf != "" && b.CPF == di.cpf) || (di.chave != "" && b.ChaveUnica == di.chave) ||
		(di.card != "" && b.Card == di.card) || (di.phone != "" && full == di.phone) ||
		(di.phoneLocal != "" && local == di.phoneLocal)
}

// wordSQL returns the tier expression and prefix conditions of the name words, with their args.
func wordSQL(words []string) (tier string, tierArgs []any, conds []string, condArgs []any) {
	if len(words) == 0 {
		return "0", nil, nil, nil
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `(instr(b.name_key, ?) > 0)`
		tierArgs = append(tierArgs, " "+w+" ")
		conds = append(conds, `instr(b.name_key, ?) > 0`)
		condArgs = append(condArgs, " "+w)
	}
	return `(` + strings.Join(parts, ` + `) + `)`, tierArgs, conds, condArgs
}

// searchFiltered serves queries with identifiers or a birth date: few candidates, ranked in SQL.
func (d *Directory) searchFiltered(ctx context.Context, ids []dirIdent, date string, words []string, limit int) ([]dirCand, error) {
	var (
		conds, prios     []string
		args, prioArgs   []any
		tier, tierArgsTo = "0", []any(nil)
	)
	for _, di := range ids {
		m, ma, p, pa := di.identSQL()
		conds = append(conds, m)
		args = append(args, ma...)
		prios = append(prios, p)
		prioArgs = append(prioArgs, pa...)
	}
	if date != "" {
		conds = append(conds, `b.birth_date = ?`)
		args = append(args, date)
	}
	t, ta, wc, wa := wordSQL(words)
	tier, tierArgsTo = t, ta
	conds = append(conds, wc...)
	args = append(args, wa...)
	prio := "0"
	if len(prios) > 0 {
		prio = strings.Join(prios, ` + `)
	}
	query := `SELECT b.rk, ` + prio + ` AS kp, ` + tier + ` AS tier FROM beneficiaries b WHERE ` +
		strings.Join(conds, ` AND `) + ` ORDER BY kp DESC, tier DESC, b.rk LIMIT ?`
	all := append(append(append([]any{}, prioArgs...), tierArgsTo...), args...)
	all = append(all, limit)
	rows, err := d.query(ctx, query, all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dirCand
	for rows.Next() {
		var c dirCand
		if err := rows.Scan(&c.rk, &c.kp, &c.tier); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// dirTier counts the words that are whole words of a name key.
func dirTier(nameKey string, words []string) int {
	n := 0
	for _, w := range words {
		if strings.Contains(nameKey, " "+w+" ") {
			n++
		}
	}
	return n
}

// searchNames finds the best names for words without visiting every match. A row whose whole-word
// matches are the set E is among the first `limit` rows (in rank-key order) of the stream "words of E
// whole, the others as prefixes", so reading those streams for every subset of words, largest subsets
// first, and stopping once `limit` rows of the current tier are known yields the exact top `limit`. Each
// stream is driven by its rarest whole word's postings, already in rank order, so it stops at the cap.
func (d *Directory) searchNames(ctx context.Context, words []string, limit int) ([]dirCand, error) {
	k := len(words)
	exact := make([]int64, k)
	for i, w := range words {
		if err := d.queryRow(ctx, `SELECT coalesce((SELECT n FROM name_vocab WHERE word = ?), 0)`, w).Scan(&exact[i]); err != nil {
			return nil, err
		}
	}
	found := map[int64]dirCand{}
	add := func(rk int64, nameKey string) {
		if _, ok := found[rk]; !ok {
			found[rk] = dirCand{rk: rk, tier: dirTier(nameKey, words)}
		}
	}
	for t := k; t >= 0; t-- {
		if k > 4 && t != k && t != 0 {
			continue // too many subsets: the ranking of middle tiers is approximate for long queries
		}
		for mask := uint(0); mask < 1<<k; mask++ {
			if bits.OnesCount(mask) != t {
				continue
			}
			var err error
			if t == 0 {
				err = d.streamPrefixes(ctx, words, limit, add)
			} else {
				err = d.streamExact(ctx, words, exact, mask, limit, add)
			}
			if err != nil {
				return nil, err
			}
		}
		n := 0
		for _, c := range found {
			if c.tier >= t {
				n++
			}
		}
		if n >= limit {
			break
		}
	}
	out := make([]dirCand, 0, len(found))
	for _, c := range found {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b dirCand) int {
		if a.tier != b.tier {
			return b.tier - a.tier
		}
		switch {
		case a.rk < b.rk:
			return -1
		case a.rk > b.rk:
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// streamExact reads the first rows, in rank order, having the words of mask whole and the others as prefixes.
func (d *Directory) streamExact(ctx context.Context, words []string, exact []int64, mask uint, limit int,
	add func(int64, string)) error {
	driver := -1
	for i := range words {
		if mask&(1<<i) == 0 {
			continue
		}
		if exact[i] == 0 {
			return nil // a word that is no whole word anywhere: the stream is empty
		}
		if driver < 0 || exact[i] < exact[driver] {
			driver = i
		}
	}
	var (
		conds []string
		args  = []any{words[driver]}
	)
	for i, w := range words {
		switch {
		case i == driver:
		case mask&(1<<i) != 0:
			conds = append(conds, `EXISTS (SELECT 1 FROM name_post q WHERE q.word = ? AND q.rk = p.rk)`)
			args = append(args, w)
		default:
			conds = append(conds, `instr(b.name_key, ?) > 0`)
			args = append(args, " "+w)
		}
	}
	query := `SELECT p.rk, b.name_key FROM name_post p CROSS JOIN beneficiaries b ON b.rk = p.rk WHERE p.word = ?`
	for _, c := range conds {
		query += ` AND ` + c
	}
	query += ` ORDER BY p.rk LIMIT ?`
	return d.collect(ctx, query, append(args, limit), add)
}

// dirMaxExpansion is how many vocabulary words a prefix may expand to before a search scans in rank order.
const dirMaxExpansion = 256

// dirMaxRankScan bounds the rank-order scan of a prefix that expands to too many words (a letter or two
// over a huge vocabulary): past it, the rarest matches of such a query may be missing.
const dirMaxRankScan = 50_000

// streamPrefixes reads the first rows, in rank order, having every word as a prefix. The first `limit`
// rows of a union are among the first `limit` rows of its parts, so it reads that many from the postings
// of each vocabulary word the least expanding prefix stands for (each already in rank order, filtered by
// the other prefixes) and lets the caller merge them.
func (d *Directory) streamPrefixes(ctx context.Context, words []string, limit int, add func(int64, string)) error {
	var (
		driver    = -1
		expansion []string
	)
	for i, w := range words {
		var exp []string
		rows, err := d.query(ctx, `SELECT word FROM name_vocab WHERE word >= ? AND word < ? LIMIT ?`,
			w, w+"\x7f", dirMaxExpansion+1)
		if err != nil {
			return err
		}
		for rows.Next() {
			var x string
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return err
			}
			exp = append(exp, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(exp) == 0 {
			return nil // a prefix of no word: nothing matches
		}
		if driver < 0 || len(exp) < len(expansion) {
			driver, expansion = i, exp
		}
	}
	var (
		conds    []string
		condArgs []any
	)
	for i, w := range words {
		if i != driver {
			conds = append(conds, ` AND instr(b.name_key, ?) > 0`)
			condArgs = append(condArgs, " "+w)
		}
	}
	if len(expansion) > dirMaxExpansion {
		_, _, all, allArgs := wordSQL(words)
		query := `SELECT b.rk, b.name_key FROM (SELECT rk, name_key FROM beneficiaries ORDER BY rk LIMIT ?) b
			WHERE ` + strings.Join(all, ` AND `) + ` ORDER BY b.rk LIMIT ?`
		return d.collect(ctx, query, append(append([]any{dirMaxRankScan}, allArgs...), limit), add)
	}
	query := `SELECT p.rk, b.name_key FROM name_post p CROSS JOIN beneficiaries b ON b.rk = p.rk WHERE p.word = ?` +
		strings.Join(conds, "") + ` ORDER BY p.rk LIMIT ?`
	for _, x := range expansion {
		args := append(append([]any{x}, condArgs...), limit)
		if err := d.collect(ctx, query, args, add); err != nil {
			return err
		}
	}
	return nil
}

func (d *Directory) collect(ctx context.Context, query string, args []any, add func(int64, string)) error {
	rows, err := d.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rk  int64
			key string
		)
		if err := rows.Scan(&rk, &key); err != nil {
			return err
		}
		add(rk, key)
	}
	return rows.Err()
}

// matches loads the ranked beneficiaries and expands them into one match per (beneficiary, contract).
func (d *Directory) matches(ctx context.Context, cands []dirCand, ids []dirIdent, limit int) ([]model.Match, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	rks := make([]int64, len(cands))
	for i, c := range cands {
		rks[i] = c.rk
	}
	got, err := d.load(ctx, rks)
	if err != nil {
		return nil, fmt.Errorf("directory search: %w", err)
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
			if di.hasContract && !di.matchesOther(b) {
				contracts = slices.DeleteFunc(slices.Clone(contracts), func(cr model.ContractRef) bool {
					return dirContractKey(cr.Number) != di.contract
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
