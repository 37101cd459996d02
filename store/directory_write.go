package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/balcao/balcao/model"
)

// ErrRankFull means too many beneficiaries share a name's rank group (same length and first letters).
var ErrRankFull = errors.New("directory: too many beneficiaries with alike names")

// Upsert stores beneficiaries by identity (chaveUnica, defaulting to the CPF, plus card). A new identity is
// added; for a stored one the given non-empty fields replace the stored ones and the given contracts are
// added (or their description updated) — contracts are never removed here: a replacing import does that.
// Beneficiaries of one call sharing an identity are merged. Nothing is written if any has no key.
func (d *Directory) Upsert(ctx context.Context, bs []model.Beneficiary) error {
	ps, err := dirPendingOf(bs)
	if err != nil {
		return err
	}
	if _, err := d.writeBatch(ctx, ps); err != nil {
		return fmt.Errorf("directory upsert: %w", err)
	}
	return nil
}

// dirPending is one identity to write, merged from one or more input rows.
type dirPending struct {
	key  dirKey
	b    model.Beneficiary
	rows int // input rows merged into it
}

// dirPendingOf normalises and merges beneficiaries by identity, keeping first-seen order.
func dirPendingOf(bs []model.Beneficiary) ([]*dirPending, error) {
	var ps []*dirPending
	at := map[dirKey]int{}
	for i, b := range bs {
		nb, err := dirNormalize(b)
		if err != nil {
			return nil, fmt.Errorf("directory upsert #%d (%s): %w", i, model.MaskName(b.Name), err)
		}
		k := dirKey{nb.ChaveUnica, nb.Card}
		if j, ok := at[k]; ok {
			ps[j].b = dirMergeFields(ps[j].b, nb)
			ps[j].rows++
			continue
		}
		at[k] = len(ps)
		ps = append(ps, &dirPending{key: k, b: nb, rows: 1})
	}
	return ps, nil
}

// writeBatch upserts merged identities in one transaction and reports, per identity, whether it existed.
func (d *Directory) writeBatch(ctx context.Context, ps []*dirPending) ([]bool, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	return d.writeBatchLocked(ctx, ps)
}

// writeBatchLocked is writeBatch with d.wmu held.
func (d *Directory) writeBatchLocked(ctx context.Context, ps []*dirPending) ([]bool, error) {
	existed := make([]bool, len(ps))
	tx, err := d.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	w, err := dirPrepareWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.close()
	added := 0
	for i, p := range ps {
		ex, err := w.upsert(ctx, p.b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", model.MaskName(p.b.Name), err)
		}
		existed[i] = ex
		if !ex {
			added++
		}
	}
	if added > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE directory_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?`,
			added, dirMetaCount); err != nil {
			return nil, err
		}
	}
	var names *dirNames
	if len(w.changes) > 0 {
		cur, err := d.namesIn(ctx, tx)
		if err != nil {
			return nil, err
		}
		names = cur.apply(w.changes, dirNewGeneration())
		if err := dirWriteNames(ctx, tx, names); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if names != nil {
		d.installNames(names)
	}
	return existed, nil
}

// namesIn returns the name index as stored in the write transaction tx: the loaded one when current.
func (d *Directory) namesIn(ctx context.Context, tx *sql.Tx) (*dirNames, error) {
	var gen string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, dirMetaGeneration).Scan(&gen); err != nil {
		return nil, fmt.Errorf("name index generation: %w", err)
	}
	if n := d.names.Load(); n != nil && n.gen == gen {
		return n, nil
	}
	return dirReadNames(ctx, tx)
}

// installNames makes n, just committed, the index searches use.
func (d *Directory) installNames(n *dirNames) {
	d.namesMu.Lock()
	d.names.Store(n)
	d.namesMu.Unlock()
}

// dirWriter holds the statements of one write transaction.
type dirWriter struct {
	sel, maxRank, ins, upd, addKey, dropKey *sql.Stmt
	changes                                 []dirNameChange // to the name index, in order
	rec                                     []byte
}

func dirPrepareWriter(ctx context.Context, tx *sql.Tx) (*dirWriter, error) {
	w := &dirWriter{}
	for _, s := range []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&w.sel, `SELECT ` + dirColumns + ` FROM beneficiaries b WHERE b.rk IN (SELECT rk FROM keys WHERE key = ?)`},
		{&w.maxRank, `SELECT max(rk) FROM beneficiaries WHERE rk >= ? AND rk <= ?`},
		{&w.ins, `INSERT INTO beneficiaries(rk, rec) VALUES (?, ?)`},
		{&w.upd, `UPDATE beneficiaries SET rk = ?, rec = ? WHERE rk = ?`},
		{&w.addKey, `INSERT OR IGNORE INTO keys(key, rk) VALUES (?, ?)`},
		{&w.dropKey, `DELETE FROM keys WHERE key = ? AND rk = ?`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*s.dst = st
	}
	return w, nil
}

func (w *dirWriter) close() {
	for _, s := range []*sql.Stmt{w.sel, w.maxRank, w.ins, w.upd, w.addKey, w.dropKey} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// allocRank gives a new rank key in the group of a folded name: after the group's last member.
func (w *dirWriter) allocRank(ctx context.Context, folded string) (int64, error) {
	base := dirRankBase(folded)
	var last sql.NullInt64
	if err := w.maxRank.QueryRowContext(ctx, base, base+dirRankCounterMax).Scan(&last); err != nil {
		return 0, err
	}
	switch {
	case !last.Valid:
		return base, nil
	case last.Int64 >= base+dirRankCounterMax:
		return 0, ErrRankFull
	}
	return last.Int64 + 1, nil
}

// find reads the stored beneficiary of an identity: among the holders of its card (or, without a card,
// of its chaveUnica), the one with both.
func (w *dirWriter) find(ctx context.Context, chave, card string) (int64, model.Beneficiary, bool, error) {
	key := dirKeyOf(dirKeyCard, card)
	if card == "" {
		key = dirKeyOf(dirKeyChave, chave)
	}
	rows, err := w.sel.QueryContext(ctx, key)
	if err != nil {
		return 0, model.Beneficiary{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		rk, b, err := dirScan(rows)
		if err != nil {
			return 0, model.Beneficiary{}, false, err
		}
		if b.ChaveUnica == chave && b.Card == card {
			return rk, b, true, nil
		}
	}
	return 0, model.Beneficiary{}, false, rows.Err()
}

// upsert writes one normalised beneficiary and reports whether its identity existed.
func (w *dirWriter) upsert(ctx context.Context, b model.Beneficiary) (bool, error) {
	rk, cur, ok, err := w.find(ctx, b.ChaveUnica, b.Card)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, w.insert(ctx, b)
	}
	merged := dirMergeFields(cur, b)
	newRK := rk
	folded := model.FoldText(merged.Name)
	nameChanged := folded != model.FoldText(cur.Name)
	if nameChanged && dirRankBase(folded) != rk&^dirRankCounterMax {
		if newRK, err = w.allocRank(ctx, folded); err != nil {
			return true, err
		}
	}
	if dirSameFields(merged, cur) && slices.Equal(merged.Contracts, cur.Contracts) && newRK == rk {
		return true, nil
	}
	w.rec = dirAppendRec(w.rec[:0], &merged)
	if _, err := w.upd.ExecContext(ctx, newRK, w.rec, rk); err != nil {
		return true, err
	}
	oldKeys, newKeys := dirKeysOf(&cur), dirKeysOf(&merged)
	for _, k := range oldKeys {
		if newRK != rk || !slices.Contains(newKeys, k) {
			if _, err := w.dropKey.ExecContext(ctx, k, rk); err != nil {
				return true, err
			}
		}
	}
	for _, k := range newKeys {
		if newRK != rk || !slices.Contains(oldKeys, k) {
			if _, err := w.addKey.ExecContext(ctx, k, newRK); err != nil {
				return true, err
			}
		}
	}
	if x := dirRowExtraOf(&merged); nameChanged || newRK != rk || !x.equal(dirRowExtraOf(&cur)) {
		w.changes = append(w.changes, dirNameChange{old: rk, hasOld: true, rk: newRK, hasNew: true,
			words: dirNameWords(merged.Name), extra: x})
	}
	return true, nil
}

func (w *dirWriter) insert(ctx context.Context, b model.Beneficiary) error {
	rk, err := w.allocRank(ctx, model.FoldText(b.Name))
	if err != nil {
		return err
	}
	w.rec = dirAppendRec(w.rec[:0], &b)
	if _, err := w.ins.ExecContext(ctx, rk, w.rec); err != nil {
		return err
	}
	for _, k := range dirKeysOf(&b) {
		if _, err := w.addKey.ExecContext(ctx, k, rk); err != nil {
			return err
		}
	}
	w.changes = append(w.changes, dirNameChange{rk: rk, hasNew: true, words: dirNameWords(b.Name),
		extra: dirRowExtraOf(&b)})
	return nil
}

// dirSameFields reports whether two beneficiaries have the same stored fields (contracts aside).
func dirSameFields(a, b model.Beneficiary) bool {
	a.Contracts, b.Contracts = nil, nil
	return a.ChaveUnica == b.ChaveUnica && a.Card == b.Card && a.CPF == b.CPF && a.Name == b.Name &&
		a.BirthDate == b.BirthDate && a.RG == b.RG && a.IDMatricula == b.IDMatricula &&
		a.MotherName == b.MotherName && a.Phone == b.Phone && a.Email == b.Email && a.Situation == b.Situation
}
