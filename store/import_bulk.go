package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"github.com/balcao/balcao/model"
)

// BuildDemo fills a new directory file at path with n beneficiaries from each(i), i = 0..n-1, through the
// bulk path of imports, and swaps it in atomically (a file built next to path, then renamed; an existing
// directory is overwritten in one write, so its readers never see a partial one). Beneficiaries sharing an
// identity are merged.
func BuildDemo(ctx context.Context, path string, n int, each func(i int) model.Beneficiary) error {
	bk := newDirBulk()
	for i := 0; i < n; i++ {
		if i%10_000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := dirNormalize(each(i))
		if err != nil {
			return fmt.Errorf("build demo directory %s: beneficiary %d: %w", path, i, err)
		}
		bk.add(b)
	}
	if err := dirBuildInstall(ctx, path, bk); err != nil {
		return fmt.Errorf("build demo directory %s: %w", path, err)
	}
	return nil
}

// dirBulk gathers normalised beneficiaries in memory, merged by identity, to write a new file in one go.
type dirBulk struct {
	rows []*dirPending
	at   map[dirKey]int
}

func newDirBulk() *dirBulk { return &dirBulk{at: map[dirKey]int{}} }

// add merges b (normalised) into the build and reports whether its identity was already there.
func (bk *dirBulk) add(b model.Beneficiary) bool {
	return bk.addPending(dirPending{key: dirKey{b.ChaveUnica, b.Card}, b: b, rows: 1})
}

// addPending merges p into the build and reports whether its identity was already there.
func (bk *dirBulk) addPending(p dirPending) bool {
	if i, ok := bk.at[p.key]; ok {
		bk.rows[i].b = dirMergeFields(bk.rows[i].b, p.b)
		bk.rows[i].rows += p.rows
		return true
	}
	bk.at[p.key] = len(bk.rows)
	bk.rows = append(bk.rows, &p)
	return false
}

// dirBuildTemp writes bk into a new temporary file next to dst; the caller removes it.
func dirBuildTemp(ctx context.Context, dst string, bk *dirBulk) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".build-*")
	if err != nil {
		return "", fmt.Errorf("directory build: %w", err)
	}
	tmp := f.Name()
	_ = f.Close()
	if err := bk.write(ctx, tmp); err != nil {
		dirRemoveTemp(tmp)
		return "", fmt.Errorf("directory build: %w", err)
	}
	return tmp, nil
}

func dirRemoveTemp(tmp string) {
	for _, p := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(p)
	}
}

// dirBuildInstall builds bk and installs it at dst (see dirInstall).
func dirBuildInstall(ctx context.Context, dst string, bk *dirBulk) error {
	tmp, err := dirBuildTemp(ctx, dst, bk)
	if err != nil {
		return err
	}
	defer dirRemoveTemp(tmp)
	return dirInstall(ctx, tmp, dst)
}

// installLocked builds bk and overwrites the open directory with it; d.wmu is held.
func (d *Directory) installLocked(ctx context.Context, bk *dirBulk) error {
	tmp, err := dirBuildTemp(ctx, d.path, bk)
	if err != nil {
		return err
	}
	defer dirRemoveTemp(tmp)
	return d.restoreLocked(ctx, tmp)
}

// loadAllInto adds every stored beneficiary to bk.
func (d *Directory) loadAllInto(ctx context.Context, bk *dirBulk) error {
	rows, err := d.rdb.QueryContext(ctx, `SELECT `+dirColumns+`, c.number, c.description
		FROM beneficiaries b LEFT JOIN contracts c ON c.rk = b.rk ORDER BY b.rk, c.number`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		cur    model.Beneficiary
		curRK  int64 = -1
		oneRow       = func() {
			if curRK >= 0 {
				bk.add(cur)
			}
		}
	)
	for rows.Next() {
		var (
			rk       int64
			b        model.Beneficiary
			num, dsc sql.NullString
		)
		if err := rows.Scan(&rk, &b.ChaveUnica, &b.Card, &b.CPF, &b.Name, &b.BirthDate, &b.RG, &b.IDMatricula,
			&b.MotherName, &b.Phone, &b.Email, &b.Situation, &num, &dsc); err != nil {
			return err
		}
		if rk != curRK {
			oneRow()
			cur, curRK = b, rk
		}
		if num.Valid {
			cur.Contracts = append(cur.Contracts, model.ContractRef{Number: num.String, Description: dsc.String})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	oneRow()
	return nil
}

// dirInstall puts a built file at dst: renamed when dst does not exist, else copied over it in one write.
func dirInstall(ctx context.Context, tmp, dst string) error {
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		// a WAL left without its database belongs to no file any more: never let it meet the new one
		_ = os.Remove(dst + "-wal")
		_ = os.Remove(dst + "-shm")
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("directory install %s: %w", dst, err)
		}
		return nil
	}
	d, err := OpenDirectory(dst)
	if err != nil {
		return fmt.Errorf("directory install: %w", err)
	}
	err = d.restoreFrom(ctx, tmp)
	return errors.Join(err, d.Close())
}

// restoreFrom overwrites the directory's file with the built file src in one write transaction (SQLite's
// online backup): readers — of this process or others — see the old directory until it commits. A plain
// rename would be unsafe here: open WAL connections would mix the old WAL with the new file.
func (d *Directory) restoreFrom(ctx context.Context, src string) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	return d.restoreLocked(ctx, src)
}

func (d *Directory) restoreLocked(ctx context.Context, src string) error {
	conn, err := d.wdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("directory replace: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("driver %T cannot restore", dc)
		}
		bk, err := r.NewRestore(src)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = bk.Step(-1); err != nil {
				_ = bk.Finish()
				return err
			}
		}
		return bk.Finish()
	})
	if err != nil {
		return fmt.Errorf("directory replace %s: %w", d.path, err)
	}
	// best effort: give the space of the big WAL back once no reader needs the old pages
	_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}

// dirBulkDSN opens a file being built: no journal, no syncs, a big cache, one connection.
func dirBulkDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(OFF)")
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-16384)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	return "file:" + path + "?" + q.Encode()
}

// write creates the directory in the empty file at path: rows in rank-key order, postings in word order,
// exact indexes last.
func (bk *dirBulk) write(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dirBulkDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA page_size = 4096`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, dirTables); err != nil {
		return err
	}

	// rank keys: full name order inside each group of the same base
	type ranked struct {
		i    int
		base int64
		key  string
	}
	order := make([]ranked, len(bk.rows))
	for i := range bk.rows {
		key, folded := dirNameKey(bk.rows[i].b.Name)
		order[i] = ranked{i: i, base: dirRankBase(folded), key: key}
	}
	slices.SortFunc(order, func(a, b ranked) int {
		if c := cmp.Compare(a.base, b.base); c != 0 {
			return c
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		ka, kb := bk.rows[a.i].key, bk.rows[b.i].key
		return cmp.Or(strings.Compare(ka.chave, kb.chave), strings.Compare(ka.card, kb.card))
	})

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	bens := newDirMultiInsert(tx, `beneficiaries(rk, name_key, chave_unica, card, cpf, name, birth_date, rg,
		id_matricula, mother_name, phone, phone_local, email, situation)`, 14, 64)
	cons := newDirMultiInsert(tx, `contracts(rk, number, number_key, description)`, 4, 200)
	postings := map[string][]int64{}
	var rk, lastBase int64 = 0, -1
	for _, o := range order {
		if o.base != lastBase {
			rk, lastBase = o.base, o.base
		} else if rk++; rk > o.base+dirRankCounterMax {
			return ErrRankFull
		}
		b := bk.rows[o.i].b
		_, local := dirPhone(b.Phone)
		if err := bens.add(ctx, rk, o.key, b.ChaveUnica, b.Card, b.CPF, b.Name, b.BirthDate, b.RG, b.IDMatricula,
			b.MotherName, b.Phone, local, b.Email, b.Situation); err != nil {
			return err
		}
		cs := slices.SortedFunc(slices.Values(b.Contracts), func(x, y model.ContractRef) int {
			return strings.Compare(x.Number, y.Number)
		})
		for _, c := range cs {
			if err := cons.add(ctx, rk, c.Number, dirContractKey(c.Number), c.Description); err != nil {
				return err
			}
		}
		for _, w := range dirNameWords(b.Name) {
			postings[w] = append(postings[w], rk)
		}
	}
	if err := errors.Join(bens.flush(ctx), cons.flush(ctx)); err != nil {
		return err
	}
	bk.rows, bk.at = nil, nil // let the rows go before the postings are written

	words := slices.Sorted(func(yield func(string) bool) {
		for w := range postings {
			if !yield(w) {
				return
			}
		}
	})
	posts := newDirMultiInsert(tx, `name_post(word, rk)`, 2, 400)
	vocab := newDirMultiInsert(tx, `name_vocab(word, n)`, 2, 400)
	for _, w := range words {
		for _, r := range postings[w] {
			if err := posts.add(ctx, w, r); err != nil {
				return err
			}
		}
		if err := vocab.add(ctx, w, len(postings[w])); err != nil {
			return err
		}
	}
	if err := errors.Join(posts.flush(ctx), vocab.flush(ctx)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, ?)`,
		dirMetaVersion, strconv.Itoa(DirectorySchemaVersion), dirMetaCount, strconv.Itoa(len(order))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, dirIndexes); err != nil {
		return err
	}
	return tx.Commit()
}

// dirMultiInsert batches rows into multi-row INSERT statements.
type dirMultiInsert struct {
	tx      *sql.Tx
	table   string
	cols    int
	perStmt int
	full    *sql.Stmt
	args    []any
}

func newDirMultiInsert(tx *sql.Tx, table string, cols, perStmt int) *dirMultiInsert {
	return &dirMultiInsert{tx: tx, table: table, cols: cols, perStmt: perStmt, args: make([]any, 0, cols*perStmt)}
}

func (m *dirMultiInsert) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", m.cols), ",") + ")"
	return "INSERT INTO " + m.table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (m *dirMultiInsert) add(ctx context.Context, vals ...any) error {
	m.args = append(m.args, vals...)
	if len(m.args) < m.cols*m.perStmt {
		return nil
	}
	if m.full == nil {
		st, err := m.tx.PrepareContext(ctx, m.sql(m.perStmt))
		if err != nil {
			return err
		}
		m.full = st
	}
	_, err := m.full.ExecContext(ctx, m.args...)
	m.args = m.args[:0]
	return err
}

func (m *dirMultiInsert) flush(ctx context.Context) error {
	defer func() {
		if m.full != nil {
			_ = m.full.Close()
			m.full = nil
		}
	}()
	if len(m.args) == 0 {
		return nil
	}
	_, err := m.tx.ExecContext(ctx, m.sql(len(m.args)/m.cols), m.args...)
	m.args = m.args[:0]
	return err
}
