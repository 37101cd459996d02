package directory

import (
	"context"
	"database/sql"
	"encoding/binary"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
)

// v3Tables is the layout of version 3 files: phone and birth date in columns and SQLite indexes, and
// (version 2) no matrículas table.
const v3Tables = `
CREATE TABLE directory_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE beneficiaries(rk INTEGER PRIMARY KEY, chave_unica TEXT NOT NULL, card TEXT NOT NULL,
	cpf TEXT NOT NULL, birth_date TEXT NOT NULL, phone TEXT NOT NULL, phone_local TEXT NOT NULL, rec BLOB NOT NULL);
CREATE TABLE contracts(number_key TEXT NOT NULL, rk INTEGER NOT NULL, PRIMARY KEY(number_key, rk)) WITHOUT ROWID;
CREATE TABLE name_index(part INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE UNIQUE INDEX beneficiaries_identity ON beneficiaries(chave_unica, card);
CREATE INDEX beneficiaries_cpf ON beneficiaries(cpf) WHERE cpf <> chave_unica;
CREATE INDEX beneficiaries_card ON beneficiaries(card);
CREATE INDEX beneficiaries_phone ON beneficiaries(phone_local);
CREATE INDEX beneficiaries_birth ON beneficiaries(birth_date);
`

// writeOldDirectory writes people as a version 2 or 3 file would hold them: records without birth date and
// phone (those were columns), an older name index snapshot. Version 4 is written by writeV4Directory.
func writeOldDirectory(t *testing.T, path string, version int, people []model.Beneficiary) {
	t.Helper()
	if version == 4 {
		writeV4Directory(t, path, people)
		return
	}
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(ctx, v3Tables)
	require.NoError(t, err)
	if version == 3 {
		_, err = db.ExecContext(ctx, `CREATE TABLE matriculas(key TEXT NOT NULL, rk INTEGER NOT NULL, PRIMARY KEY(key, rk)) WITHOUT ROWID`)
		require.NoError(t, err)
	}
	for i, p := range people {
		b, err := Normalize(p)
		require.NoError(t, err)
		rk := index.RankBase(model.FoldText(b.Name)) + int64(i)
		rec := appendRec(nil, &b)
		trailer := 0 // what version 4 appends: the fields that were columns
		for _, f := range []string{b.BirthDate, b.Phone, b.ChaveUnica, b.Card, b.CPF} {
			trailer += len(binary.AppendUvarint(nil, uint64(len(f)))) + len(f)
		}
		full, local := model.PhoneKeys(b.Phone)
		_, err = db.ExecContext(ctx, `INSERT INTO beneficiaries VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			rk, b.ChaveUnica, b.Card, b.CPF, b.BirthDate, full, local, rec[:len(rec)-trailer])
		require.NoError(t, err)
		for _, c := range b.Contracts {
			_, err = db.ExecContext(ctx, `INSERT INTO contracts VALUES (?, ?)`, model.ContractKey(c.Number), rk)
			require.NoError(t, err)
		}
		if k := model.MatriculaKey(b.IDMatricula); k != "" && version == 3 {
			_, err = db.ExecContext(ctx, `INSERT INTO matriculas VALUES (?, ?)`, k, rk)
			require.NoError(t, err)
		}
	}
	_, err = db.ExecContext(ctx, `INSERT INTO name_index VALUES (0, CAST('BNI1' AS BLOB));
		INSERT INTO directory_meta VALUES ('generation', 'old'), ('beneficiaries', ?), ('schema_version', ?)`,
		strconv.Itoa(len(people)), strconv.Itoa(version))
	require.NoError(t, err)
}

// v4Tables is the layout of version 4 and 5 files (and, so far, of the current one).
const v4Tables = `
CREATE TABLE directory_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE beneficiaries(rk INTEGER PRIMARY KEY, rec BLOB NOT NULL);
CREATE TABLE keys(key TEXT NOT NULL, rk INTEGER NOT NULL, PRIMARY KEY(key, rk)) WITHOUT ROWID;
CREATE TABLE name_index(part INTEGER PRIMARY KEY, data BLOB NOT NULL);
`

// writeV4Directory writes people as a version 4 file would hold them: the tables of versions 4 and 5, with
// contract numbers ('k') and matrículas ('m') as key rows, and the name index snapshot of that version.
func writeV4Directory(t *testing.T, path string, people []model.Beneficiary) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(ctx, v4Tables)
	require.NoError(t, err)
	for i, p := range people {
		b, err := Normalize(p)
		require.NoError(t, err)
		rk := index.RankBase(model.FoldText(b.Name)) + int64(i)
		_, err = db.ExecContext(ctx, `INSERT INTO beneficiaries VALUES (?, ?)`, rk, appendRec(nil, &b))
		require.NoError(t, err)
		keys := keysOf(&b)
		for _, c := range b.Contracts {
			keys = append(keys, keyOf('k', model.ContractKey(c.Number)))
		}
		if k := model.MatriculaKey(b.IDMatricula); k != "" {
			keys = append(keys, keyOf('m', k))
		}
		for _, k := range keys {
			_, err = db.ExecContext(ctx, `INSERT INTO keys VALUES (?, ?)`, k, rk)
			require.NoError(t, err)
		}
	}
	_, err = db.ExecContext(ctx, `INSERT INTO name_index VALUES (0, CAST('BNI2' AS BLOB));
		INSERT INTO directory_meta VALUES ('generation', 'old'), ('beneficiaries', ?), ('schema_version', '4')`,
		strconv.Itoa(len(people)))
	require.NoError(t, err)
}

// TestUpgradeFromVersions2To4 opens files of versions 2 (no matrícula table), 3 (phones and birth dates in
// SQLite indexes) and 4 (contracts and matrículas as key rows): each is rebuilt once, and then every
// identifier, names and writes work.
func TestUpgradeFromVersions2To4(t *testing.T) {
	people := []model.Beneficiary{
		{ChaveUnica: "15846772777", Card: "00011008000027010", Name: "João Pedro", BirthDate: "1994-08-05",
			IDMatricula: "123-123-321", Phone: "(27) 99876-5432",
			Contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"}, {Number: "0000002", Description: "MS GOLD"}}},
		{CPF: "52998224725", Card: "00011008000028010", Name: "Maria Silva", BirthDate: "20/01/1970", Phone: "1134567890",
			Contracts: []model.ContractRef{{Number: "EMP-7"}}},
	}
	search := func(t *testing.T, d *Directory, term string) []string {
		t.Helper()
		ms, err := d.Search(context.Background(), model.Classify(term), 0)
		require.NoError(t, err)
		var out []string
		for _, m := range ms {
			out = append(out, m.Beneficiary.Name+"|"+m.Contract.Number)
		}
		return out
	}
	for _, version := range []int{2, 3, 4} {
		t.Run(strconv.Itoa(version), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "old.db")
			writeOldDirectory(t, path, version, people)
			for round := range 2 { // the second open finds a current file
				d, err := Open(ctx, path, Options{})
				require.NoError(t, err)
				joao := []string{"João Pedro|0000001", "João Pedro|0000002"}
				assert.Equal(t, joao, search(t, d, "123-123-321"), "matrícula")
				assert.Equal(t, []string{"João Pedro|0000002"}, search(t, d, "0000002"), "contract")
				assert.Equal(t, joao, search(t, d, "(27) 99876-5432"), "phone")
				assert.Equal(t, joao, search(t, d, "05/08/1994"), "birth date")
				assert.Equal(t, joao, search(t, d, "0001.1008.000027.01-0"), "card")
				assert.Equal(t, []string{"Maria Silva|EMP-7"}, search(t, d, "3456-7890"))
				assert.Equal(t, []string{"Maria Silva|EMP-7"}, search(t, d, "maria 20/01/1970"))
				got, err := d.Search(ctx, model.Classify("529.982.247-25"), 0)
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, "1970-01-20", got[0].Beneficiary.BirthDate)
				assert.Equal(t, "1134567890", got[0].Beneficiary.Phone)
				if round == 0 {
					require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: "52998224725", Card: "00011008000028010", Phone: "(21) 2222-3333"}}))
					assert.Equal(t, []string{"Maria Silva|EMP-7"}, search(t, d, "2222-3333"))
					assert.Empty(t, search(t, d, "3456-7890"))
					require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: "52998224725", Card: "00011008000028010", Phone: "1134567890"}}))
				}
				require.NoError(t, d.Close())
			}
			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			defer db.Close()
			var v, ranking string
			var old, oldKeys int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = 'schema_version'`).Scan(&v))
			require.NoError(t, db.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = 'ranking_version'`).Scan(&ranking))
			uv, err := migrate.Version(ctx, db)
			require.NoError(t, err)
			require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN
				('beneficiaries_phone', 'beneficiaries_birth')`).Scan(&old))
			require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM keys WHERE substr(key, 1, 1) IN ('k', 'm')`).Scan(&oldKeys))
			assert.Equal(t, LayoutVersion, uv)
			assert.Equal(t, strconv.Itoa(LayoutVersion), v, "kept for the builds before user_version")
			assert.Equal(t, strconv.Itoa(index.RankingVersion), ranking)
			assert.Zero(t, old, "the SQLite indexes of version 3 are gone")
			assert.Zero(t, oldKeys, "the contract and matrícula keys of version 4 are gone")
		})
	}
}
