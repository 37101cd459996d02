package fleet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens one instance's fleet handle on url, closed when t ends.
func open(t testing.TB, url string) *fleet.Fleet {
	t.Helper()
	f, err := fleet.Open(context.Background(), url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// people is a small directory: João Pedro holds two contracts; every other field is filled somewhere.
func people() []model.Beneficiary {
	return []model.Beneficiary{
		{ChaveUnica: "15846772777", Card: "00011008000027010", Name: "João Pedro", BirthDate: "1994-08-05",
			RG: "3025-517", IDMatricula: "123-123-321", MotherName: "Maria Delmaschio", Phone: "27998765432",
			Email: "joao.pedro@exemplo.com.br", Situation: "Ativo",
			Contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"}, {Number: "0000002", Description: "MS GOLD"}}},
		{CPF: "52998224725", ChaveUnica: "52998224725", Card: "00011008000001010", Name: "João da Silva",
			BirthDate: "1970-01-20", Phone: "1134567890", Situation: "Bloqueado",
			Contracts: []model.ContractRef{{Number: "0000010", Description: "MS GOLD"}}},
		{CPF: "23576483098", ChaveUnica: "23576483098", Name: "Ana Lima"},
	}
}

// localDir builds a directory file of bs in t's temp dir and opens it.
func localDir(t testing.TB, bs []model.Beneficiary) *directory.Directory {
	t.Helper()
	path := filepath.Join(t.TempDir(), "origem.db")
	require.NoError(t, directory.Build(context.Background(), path, len(bs), func(i int) model.Beneficiary { return bs[i] }))
	d, err := directory.Open(context.Background(), path, directory.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func all(t testing.TB, d *directory.Directory) []model.Beneficiary {
	t.Helper()
	var out []model.Beneficiary
	require.NoError(t, d.Each(context.Background(), func(b model.Beneficiary) error { out = append(out, b); return nil }))
	slices.SortFunc(out, func(a, b model.Beneficiary) int { return strings.Compare(a.ChaveUnica, b.ChaveUnica) })
	return out
}

// A directory published from one instance is rebuilt, field for field, in another instance's empty local
// index, which then answers searches from memory.
func TestPublishedDirectoryIsRebuiltFieldForField(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	src := localDir(t, people())
	pub, err := fleet.Publish(ctx, open(t, url).Pool, src, "teste")
	require.NoError(t, err)
	g := pub.Generation
	assert.EqualValues(t, 1, g.Number)
	assert.EqualValues(t, 3, g.Beneficiaries)

	other := open(t, url)
	path := filepath.Join(t.TempDir(), "diretorio.db")
	dir, ref, err := other.Directory(ctx, path, 0)
	require.NoError(t, err)
	defer dir.Close()
	assert.Equal(t, g.ID, ref.Local().ID)
	assert.Equal(t, all(t, src), all(t, dir))
	ms, err := dir.Search(ctx, model.Classify("joao pedro"), 10)
	require.NoError(t, err)
	require.Len(t, ms, 2, "one row per contract")
	b, err := os.ReadFile(fleet.MarkerPath(path))
	require.NoError(t, err)
	assert.Contains(t, string(b), g.ID)

	// a restart with the marker current serves at once, without rebuilding
	require.NoError(t, dir.Close())
	dir2, ref2, err := other.Directory(ctx, path, 0)
	require.NoError(t, err)
	defer dir2.Close()
	changed, err := ref2.Sync(ctx)
	require.NoError(t, err)
	assert.False(t, changed)
}

// With nothing published and an empty local index there is nothing to serve: the instance says so.
func TestNoDirectoryToServe(t *testing.T) {
	f := open(t, pgtest.URL(t))
	_, _, err := f.Directory(context.Background(), filepath.Join(t.TempDir(), "d.db"), 0)
	require.ErrorIs(t, err, fleet.ErrNoDirectory)
}

func writeCSV(t *testing.T, rows ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "b.csv")
	require.NoError(t, os.WriteFile(p, []byte("nome;cpf;data_nascimento;numero_contrato;contrato_descricao\n"+
		strings.Join(rows, "\n")+"\n"), 0o600))
	return p
}

// An import on one instance merges into the shared directory (or replaces it), reports bad rows as a local
// import does, and the other instances hear of it and swap their index in while serving the old one; old
// generations' tables are dropped.
func TestImportReachesTheOtherInstances(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	importer := open(t, url)
	rep, err := importer.Import(ctx, writeCSV(t, "João da Silva;529.982.247-25;12/03/1980;0000009;MS PRATA"),
		t.TempDir(), "b.csv", csvimport.Options{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, rep.Generation.Number)

	type instance struct {
		dir *directory.Directory
		ref *fleet.Refresher
	}
	var insts []instance
	for range 2 {
		f := open(t, url)
		dir, ref, err := f.Directory(ctx, filepath.Join(t.TempDir(), "diretorio.db"), time.Hour) // no poll: NOTIFY only
		require.NoError(t, err)
		t.Cleanup(func() { _ = dir.Close() })
		go ref.Run(ctx)
		insts = append(insts, instance{dir, ref})
	}
	waitFor := func(gen int64, name string) {
		t.Helper()
		for _, in := range insts {
			require.Eventually(t, func() bool {
				ms, err := in.dir.Search(ctx, model.Classify(name), 10)
				return err == nil && len(ms) > 0 && in.ref.Local().Number == gen
			}, 60*time.Second, 20*time.Millisecond, "generation %d with %s", gen, name)
		}
	}
	waitFor(1, "joao silva")

	rep, err = importer.Import(ctx, writeCSV(t, "Maria Souza;123.456.789-09;31/02/1980;1;X", "Ana Lima;235.764.830-98;1975-04-02;0000010;MS OURO"),
		t.TempDir(), "c.csv", csvimport.Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.BadTotal, "the bad date is reported")
	assert.Equal(t, 1, rep.Inserted)
	assert.EqualValues(t, 2, rep.Generation.Beneficiaries, "merged with the first import")
	waitFor(2, "ana lima")
	for _, in := range insts {
		n, err := in.dir.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	}

	rep, err = importer.Import(ctx, writeCSV(t, "Pedro Alves;111.444.777-35;01/01/1990;0000011;MS BRONZE"),
		t.TempDir(), "d.csv", csvimport.Options{Replace: true})
	require.NoError(t, err)
	waitFor(3, "pedro alves")
	for _, in := range insts {
		n, err := in.dir.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "replaced")
	}
	var tables []string
	rows, err := importer.Pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE tablename LIKE 'directory_records_%' ORDER BY 1`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		tables = append(tables, s)
	}
	assert.Equal(t, []string{"directory_records_2", "directory_records_3"}, tables, "older generations dropped")
}

// Every ssh instance presents one host key: the first stores this machine's key file, the others read it.
func TestHostKeyIsTheFleetsOne(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	keyPath := filepath.Join(t.TempDir(), "ssh_host_ed25519")
	exposed := filepath.Join(t.TempDir(), "exposta")
	_, fromNew, err := open(t, url).HostKey(ctx, keyPath)
	require.NoError(t, err)
	assert.Equal(t, "nova", fromNew, "no file: a new key")
	s1, _, err := open(t, url).HostKey(ctx, "")
	require.NoError(t, err)
	s2, from2, err := open(t, url).HostKey(ctx, "/nao/existe")
	require.NoError(t, err)
	assert.Equal(t, "banco", from2)
	assert.Equal(t, s1.PublicKey().Marshal(), s2.PublicKey().Marshal())

	// another database, and this machine's key file: it becomes the fleet's; a key others can read is refused

	pem, err := os.ReadFile(filepath.Join("testdata", "ssh_host_ed25519"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keyPath, pem, 0o600))
	require.NoError(t, os.WriteFile(exposed, pem, 0o644))
	url3 := pgtest.URL(t)
	_, _, err = open(t, url3).HostKey(ctx, exposed)
	require.ErrorContains(t, err, "others can read it")
	s3, from3, err := open(t, url3).HostKey(ctx, keyPath)
	require.NoError(t, err)
	assert.Equal(t, "arquivo", from3)
	s4, _, err := open(t, url3).HostKey(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, s3.PublicKey().Marshal(), s4.PublicKey().Marshal())
}

// balcao migrate --to-postgres: a machine's directory, outbox items (with their states) and access record
// reach the database once, however many times it runs; a database that has a directory keeps it.
func TestToPostgresCopiesAMachineOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := fleet.Sources{Directory: filepath.Join(dir, "diretorio.db"), Outbox: filepath.Join(dir, "ocorrencias.db"),
		Audit: filepath.Join(dir, "acessos.db"), HostKey: filepath.Join(dir, "ssh_host_ed25519")}
	bs := people()
	require.NoError(t, directory.Build(ctx, src.Directory, len(bs), func(i int) model.Beneficiary { return bs[i] }))
	box, err := outbox.Open(src.Outbox)
	require.NoError(t, err)
	sent, err := box.Submit(ctx, "ana", model.Occurrence{TypeID: 128, Requester: model.Party{ChaveUnica: "15846772777"}})
	require.NoError(t, err)
	require.NoError(t, box.MarkSent(ctx, sent.ID, "P-1", time.Now()))
	pending, err := box.Submit(ctx, "ana", model.Occurrence{TypeID: 128, Requester: model.Party{ChaveUnica: "52998224725"}})
	require.NoError(t, err)
	require.NoError(t, box.Close())
	rec, err := audit.Open(src.Audit)
	require.NoError(t, err)
	for i := range 3 {
		require.NoError(t, rec.Record(ctx, audit.Entry{Who: "ana", Kind: audit.KindSearch, Chaves: []string{fmt.Sprint(i)}}))
	}
	require.NoError(t, rec.Close())

	f := open(t, pgtest.URL(t))
	c, err := f.ToPostgres(ctx, src)
	require.NoError(t, err)
	assert.EqualValues(t, 3, c.Generation.Beneficiaries)
	assert.Equal(t, 2, c.Items)
	assert.Equal(t, 3, c.Lines)
	assert.Equal(t, "nova", c.HostKey)
	assert.True(t, c.HostKeyFileAbsent)

	c, err = f.ToPostgres(ctx, src)
	require.NoError(t, err)
	assert.True(t, c.DirectorySkipped)
	assert.Equal(t, 0, c.Items)
	assert.Equal(t, 2, c.ItemsAlready)
	assert.Equal(t, 0, c.Lines)
	assert.Equal(t, "banco", c.HostKey)

	q := outbox.NewQueue(f.OutboxStore())
	got, err := q.Get(ctx, sent.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assert.Equal(t, "P-1", got.Protocol)
	got, err = q.Get(ctx, pending.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State)
	rep, err := audit.NewLog(f.AuditStore()).Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 3, rep.Lines)
}
