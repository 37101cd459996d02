package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return existed, nil
}

// dirWriter holds the statements of one write transaction.
type dirWriter struct {
	sel, maxRank, ins, upd, moveContracts, insPost, delPost, vocabInc, vocabDec, vocabDrop, contract *sql.Stmt
}

func dirPrepareWriter(ctx context.Context, tx *sql.Tx) (*dirWriter, error) {
	w := &dirWriter{}
	for _, s := range []struct {
		dst *(*sql.Stmt)
		sql string
	}{
		{&w.sel, `SELECT rk, name_key, cpf, name, birth_date, rg, id_matricula, mother_name, phone, email, situation
			FROM beneficiaries WHERE chave_unica = ? AND card = ?`},
		{&w.maxRank, `SELECT max(rk) FROM beneficiaries WHERE rk >= ? AND rk <= ?`},
		{&w.ins, `INSERT INTO beneficiaries(rk, name_key, chave_unica, card, cpf, name, birth_date, rg, id_matricula,
			mother_name, phone, phone_local, email, situation) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&w.upd, `UPDATE beneficiaries SET rk = ?, name_key = ?, cpf = ?, name = ?, birth_date = ?, rg = ?,
			id_matricula = ?, mother_name = ?, phone = ?, phone_local = ?, email = ?, situation = ? WHERE rk = ?`},
		{&w.moveContracts, `UPDATE contracts SET rk = ? WHERE rk = ?`},
		{&w.insPost, `INSERT OR IGNORE INTO name_post(word, rk) VALUES (?, ?)`},
		{&w.delPost, `DELETE FROM name_post WHERE word = ? AND rk = ?`},
		{&w.vocabInc, `INSERT INTO name_vocab(word, n) VALUES (?, 1) ON CONFLICT(word) DO UPDATE SET n = n + 1`},
		{&w.vocabDec, `UPDATE name_vocab SET n = n - 1 WHERE word = ?`},
		{&w.vocabDrop, `DELETE FROM name_vocab WHERE word = ? AND n <= 0`},
		{&w.contract, `INSERT INTO contracts(rk, number, number_key, description) VALUES (?, ?, ?, ?)
			ON CONFLICT(rk, number) DO UPDATE SET description = excluded.description
			WHERE excluded.description <> '' AND excluded.description <> contracts.description`},
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
	for _, s := range []*sql.Stmt{w.sel, w.maxRank, w.ins, w.upd, w.moveContracts, w.insPost, w.delPost,
		w.vocabInc, w.vocabDec, w.vocabDrop, w.contract} {
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

// upsert writes one normalised beneficiary and reports whether its identity existed.
func (w *dirWriter) upsert(ctx context.Context, b model.Beneficiary) (bool, error) {
	var (
		cur     model.Beneficiary
		rk      int64
		nameKey string
	)
	err := w.sel.QueryRowContext(ctx, b.ChaveUnica, b.Card).Scan(&rk, &nameKey, &cur.CPF, &cur.Name, &cur.BirthDate,
		&cur.RG, &cur.IDMatricula, &cur.MotherName, &cur.Phone, &cur.Email, &cur.Situation)
	if errors.Is(err, sql.ErrNoRows) {
		return false, w.insert(ctx, b)
	}
	if err != nil {
		return false, err
	}
	cur.ChaveUnica, cur.Card = b.ChaveUnica, b.Card
	merged := dirMergeFields(cur, model.Beneficiary{
		CPF: b.CPF, Name: b.Name, BirthDate: b.BirthDate, RG: b.RG, IDMatricula: b.IDMatricula,
		MotherName: b.MotherName, Phone: b.Phone, Email: b.Email, Situation: b.Situation,
	})
	newKey, folded := dirNameKey(merged.Name)
	newRK := rk
	if newKey != nameKey {
		if dirRankBase(folded) != rk&^dirRankCounterMax {
			if newRK, err = w.allocRank(ctx, folded); err != nil {
				return true, err
			}
		}
		for _, word := range dirNameWords(nameKey) {
			if err := w.dropWord(ctx, word, rk); err != nil {
				return true, err
			}
		}
	}
	if !dirSameFields(merged, cur) || newRK != rk {
		_, local := dirPhone(merged.Phone)
		if _, err := w.upd.ExecContext(ctx, newRK, newKey, merged.CPF, merged.Name, merged.BirthDate, merged.RG,
			merged.IDMatricula, merged.MotherName, merged.Phone, local, merged.Email, merged.Situation, rk); err != nil {
			return true, err
		}
	}
	if newRK != rk {
		if _, err := w.moveContracts.ExecContext(ctx, newRK, rk); err != nil {
			return true, err
		}
	}
	if newKey != nameKey {
		if err := w.addWords(ctx, merged.Name, newRK); err != nil {
			return true, err
		}
	}
	return true, w.addContracts(ctx, newRK, b.Contracts)
}

func (w *dirWriter) insert(ctx context.Context, b model.Beneficiary) error {
	key, folded := dirNameKey(b.Name)
	rk, err := w.allocRank(ctx, folded)
	if err != nil {
		return err
	}
	_, local := dirPhone(b.Phone)
	if _, err := w.ins.ExecContext(ctx, rk, key, b.ChaveUnica, b.Card, b.CPF, b.Name, b.BirthDate, b.RG,
		b.IDMatricula, b.MotherName, b.Phone, local, b.Email, b.Situation); err != nil {
		return err
	}
	if err := w.addWords(ctx, b.Name, rk); err != nil {
		return err
	}
	return w.addContracts(ctx, rk, b.Contracts)
}

func (w *dirWriter) addWords(ctx context.Context, name string, rk int64) error {
	for _, word := range dirNameWords(name) {
		if _, err := w.insPost.ExecContext(ctx, word, rk); err != nil {
			return err
		}
		if _, err := w.vocabInc.ExecContext(ctx, word); err != nil {
			return err
		}
	}
	return nil
}

func (w *dirWriter) dropWord(ctx context.Context, word string, rk int64) error {
	if _, err := w.delPost.ExecContext(ctx, word, rk); err != nil {
		return err
	}
	if _, err := w.vocabDec.ExecContext(ctx, word); err != nil {
		return err
	}
	_, err := w.vocabDrop.ExecContext(ctx, word)
	return err
}

func (w *dirWriter) addContracts(ctx context.Context, rk int64, cs []model.ContractRef) error {
	for _, c := range cs {
		if _, err := w.contract.ExecContext(ctx, rk, c.Number, dirContractKey(c.Number), c.Description); err != nil {
			return err
		}
	}
	return nil
}

// dirSameFields reports whether two beneficiaries have the same stored fields (contracts aside).
func dirSameFields(a, b model.Beneficiary) bool {
	a.Contracts, b.Contracts = nil, nil
	return a.ChaveUnica == b.ChaveUnica && a.Card == b.Card && a.CPF == b.CPF && a.Name == b.Name &&
		a.BirthDate == b.BirthDate && a.RG == b.RG && a.IDMatricula == b.IDMatricula &&
		a.MotherName == b.MotherName && a.Phone == b.Phone && a.Email == b.Email && a.Situation == b.Situation
}
