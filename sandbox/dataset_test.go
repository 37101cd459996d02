package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestDatasetDeterministic(t *testing.T) {
	a := NewDatasetAt(7, 50_000, testNow)
	b := NewDatasetAt(7, 50_000, testNow)
	other := NewDatasetAt(8, 50_000, testNow)
	differ := 0
	for _, i := range []int{0, 3, 4, 5, 100, 4_321, 49_999} {
		require.Equal(t, a.Beneficiary(i), b.Beneficiary(i), "index %d", i)
		ca, _ := a.Contract(a.Beneficiary(i).Card)
		cb, _ := b.Contract(b.Beneficiary(i).Card)
		require.Equal(t, ca, cb)
		require.Equal(t, a.Protocols(a.Beneficiary(i).ChaveUnica), b.Protocols(b.Beneficiary(i).ChaveUnica))
		if i >= a.SeedCount() && a.Beneficiary(i).Name != other.Beneficiary(i).Name {
			differ++
		}
	}
	assert.Positive(t, differ, "another seed must give other people")
}

func TestDatasetCPFValidUniqueAndRoundTrip(t *testing.T) {
	const n = 100_000
	d := NewDatasetAt(42, n, testNow)
	seen := make(map[string]int, n)
	for i := 0; i < n; i++ {
		var cpf string
		if i < d.SeedCount() || i%50 == 0 { // the full record on a sample, the CPF generator on every index
			b := d.Beneficiary(i)
			cpf = b.CPF
			require.Equal(t, b.CPF, b.ChaveUnica, "chaveUnica is the CPF by default")
		} else {
			cpf = d.cpf(i - d.SeedCount())
		}
		if cpf != SeedJoaoPedro { // Mosia's example chaveUnica is, verbatim, not a valid CPF
			require.True(t, model.ValidCPF(cpf), "index %d cpf %s", i, cpf)
		}
		prev, dup := seen[cpf]
		require.False(t, dup, "cpf %s at %d and %d", cpf, prev, i)
		seen[cpf] = i
		j, ok := d.IndexOfChaveUnica(cpf)
		require.True(t, ok, "chaveUnica of %d", i)
		require.Equal(t, i, j)
	}
	beyond := d.cpf(n - d.SeedCount()) // the CPF the next index would get: valid, but not in the dataset
	require.True(t, model.ValidCPF(beyond))
	_, ok := d.ByChaveUnica(beyond)
	assert.False(t, ok)
	bad := d.Beneficiary(10).CPF
	bad = bad[:10] + string('0'+(bad[10]-'0'+1)%10)
	_, ok = d.ByChaveUnica(bad)
	assert.False(t, ok, "wrong check digit")
}

func TestDatasetCardRoundTripNear2M(t *testing.T) {
	const n = 2_000_000
	d := NewDatasetAt(1, n, testNow)
	require.Equal(t, n, d.Len())
	idx := []int{0, 1, 2, 3, 4, 5, 17, 35, 36, 37, 1_000_003}
	for i := n - 200; i < n; i++ {
		idx = append(idx, i)
	}
	for _, i := range idx {
		b := d.Beneficiary(i)
		require.Len(t, b.Card, model.CardLen, "index %d", i)
		got, ok := d.IndexOfCard(b.Card)
		require.True(t, ok, "card %s of index %d", b.Card, i)
		require.Equal(t, i, got)
		byFormatted, ok := d.ByCard(model.FormatCard(b.Card))
		require.True(t, ok)
		require.Equal(t, b, byFormatted)
	}
	_, ok := d.ByCard("00011008000026010") // the unknown card of TOTVS's contract example
	assert.False(t, ok)
	_, ok = d.ByCard("00011008000027012") // Hernandes with a wrong check digit (TOTVS's grace-period example)
	assert.False(t, ok)
	last := d.Beneficiary(n - 1).Card
	assert.Equal(t, model.Beneficiary{}, d.Beneficiary(n), "out of range is the zero value")
	// A card past the end of the dataset does not exist even if the layout could address it.
	small := NewDatasetAt(1, n-100, testNow)
	_, ok = small.ByCard(last)
	assert.False(t, ok)
}

func TestDatasetSeedPeople(t *testing.T) {
	d := NewDatasetAt(99, 1_000, testNow)
	jp := d.Beneficiary(0)
	assert.Equal(t, model.Beneficiary{ChaveUnica: "15846772777", Card: SeedJoaoPedroCard, CPF: "15846772777",
		Name: "João Pedro", BirthDate: "1994-08-05", RG: "3025-517", IDMatricula: "123-123-321",
		MotherName: "Maria Delmaschio", Phone: jp.Phone, Email: jp.Email, Situation: "Ativo",
		Contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"}, {Number: "0000002", Description: "MS GOLD"}}}, jp)
	assert.False(t, model.ValidCPF(jp.ChaveUnica), "kept verbatim although invalid")

	pat, ok := d.ByChaveUnica("13331584754")
	require.True(t, ok)
	assert.Equal(t, "Patrick Oliveira Cabral", pat.Name)
	ps := d.Protocols("13331584754")
	require.Len(t, ps, 3)
	assert.Equal(t, []mosia.FlexString{"1111120240710000017", "1111120240710000015", "1111120240709000003"},
		[]mosia.FlexString{ps[0].Protocolo, ps[1].Protocolo, ps[2].Protocolo})
	assert.False(t, ps[2].Assunto.Present)
	assert.Equal(t, "Patrick Oliveira Cabral - 13331584754", ps[0].Beneficiario.Nome)

	her, ok := d.ByCard("00011008000027010")
	require.True(t, ok)
	assert.Equal(t, "HERNANDES ALVES DA SILVA", her.Name)
	assert.Equal(t, "23576483098", her.CPF)
	c, ok := d.Contract("00011008000027010")
	require.True(t, ok)
	for k, v := range map[string]any{"ba1_cpfusr": "23576483098", "ba1_nomusr": "HERNANDES ALVES DA SILVA",
		"ba1_datnas": "2001-06-15", "ba1_sexo": "1", "ba1_estciv": "Solteiro(a)", "ba1_mae": "TESTE",
		"situation": "Ativo", "card": "00011008000027010", "ba3_codemp": "1008", "ba3_conemp": "000000000001",
		"ba3_dessub": "SUBCONTRATO USO GERAL", "ba1_nomsoc": "MARIA HERNANDES"} {
		assert.Equal(t, v, c.Fields[k], k)
	}
	fam, ok := d.Family("00011008000027028")
	require.True(t, ok)
	assert.Equal(t, totvs.Family{Beneficiaries: []totvs.FamilyMember{
		{Card: "00011008000027010", Name: "HERNANDES ALVES DA SILVA", Kinship: "BENEFICIARIO TITULAR", Situation: "Ativo"},
		{Card: "00011008000027028", Name: "FABIANA SOPHIA MELO", Kinship: "CONJUGE/ COMPANHEIRO", Situation: "Ativo"},
	}}, fam)
}

func TestDatasetContractStructure(t *testing.T) {
	d := NewDatasetAt(3, 5_000, testNow)
	c, ok := d.Contract(d.Beneficiary(123).Card)
	require.True(t, ok)
	byField := map[string]totvs.FieldStruct{}
	folders := map[string]bool{}
	for _, f := range c.Folders {
		folders[f.ID] = true
	}
	for _, st := range c.Struct {
		byField[st.Field] = st
		_, has := c.Fields[strings.ToLower(st.Field)]
		assert.True(t, has, "field %s has a value", st.Field)
		assert.True(t, folders[st.Folder], "folder of %s exists", st.Field)
	}
	assert.Equal(t, "@R 999.999.999-99", byField["BA1_CPFUSR"].Picture)
	assert.Equal(t, "D", byField["BA1_DATNAS"].Type)
	desc, ok := byField["BA1_SEXO"].CBox.Lookup("2")
	assert.True(t, ok)
	assert.Equal(t, "Feminino", desc)
	_, ok = byField["BA1_ESTCIV"].CBox.Lookup(c.Fields["ba1_estciv"].(string))
	assert.True(t, ok, "generated civil status has a cbox entry")
	assert.Contains(t, []string{model.SituationActive, model.SituationBlocked, model.SituationFutureBlock}, c.Fields["situation"])
}

func TestDatasetRealism(t *testing.T) {
	const n = 8_000
	d := NewDatasetAt(5, n, testNow)
	var maria, silva, active, twoContracts, companies, transfer, running, manyClasses int
	phones := map[string]bool{}
	for i := d.SeedCount(); i < n; i++ {
		b := d.Beneficiary(i)
		words := model.NameWords(b.Name)
		if len(words) > 0 && words[0] == "maria" {
			maria++
		}
		for _, w := range words {
			if w == "silva" {
				silva++
				break
			}
		}
		if b.Situation == model.SituationActive {
			active++
		}
		if len(b.Contracts) == 2 {
			twoContracts++
		}
		if strings.HasSuffix(b.Contracts[0].Description, "COLETIVO EMPRESARIAL") {
			companies++
		}
		if b.Phone != "" {
			p, ok := model.NormalizePhone(b.Phone)
			require.True(t, ok)
			require.Len(t, p, 11)
			phones[p] = true
		}
		if i%10 == 0 {
			g, ok := d.GraceClasses(b.Card)
			require.True(t, ok)
			if g.BeneficiaryTransfer {
				transfer++
			}
			if len(g.Items) > DefaultPageSize {
				manyClasses++
			}
			for _, it := range g.Items {
				if it.Status == graceRunning || it.StatusCurrent == graceRunning {
					running++
					break
				}
			}
		}
	}
	gen := float64(n - d.SeedCount())
	assert.InDelta(t, 0.85, float64(active)/gen, 0.05, "about 85%% active")
	assert.Greater(t, maria, n/40, "Maria is common")
	assert.Greater(t, silva, n/20, "Silva is common")
	assert.Positive(t, twoContracts)
	assert.InDelta(t, 0.6, float64(companies)/gen, 0.1)
	assert.Positive(t, transfer)
	assert.Positive(t, running, "some grace periods still running")
	assert.Positive(t, manyClasses, "pagination matters")
	assert.Greater(t, len(phones), n/2)
}

func TestDatasetFamilyCoherence(t *testing.T) {
	d := NewDatasetAt(11, 10_000, testNow)
	for i := d.SeedCount(); i < 2_000; i++ {
		b := d.Beneficiary(i)
		fam, ok := d.Family(b.Card)
		require.True(t, ok)
		require.NotEmpty(t, fam.Beneficiaries)
		require.LessOrEqual(t, len(fam.Beneficiaries), 5)
		titular := fam.Beneficiaries[0]
		assert.Equal(t, kinTitular, titular.Kinship)
		assert.Equal(t, model.FamilyPrefix(b.Card), model.FamilyPrefix(titular.Card))
		tb, _ := d.ByCard(titular.Card)
		tBirth, _ := time.Parse(time.DateOnly, tb.BirthDate)
		for _, m := range fam.Beneficiaries {
			if m.Kinship != kinChild {
				continue
			}
			cb, _ := d.ByCard(m.Card)
			cBirth, _ := time.Parse(time.DateOnly, cb.BirthDate)
			assert.True(t, cBirth.After(tBirth.AddDate(14, 0, 0)), "child %s born after parent %s + 14y", cb.BirthDate, tb.BirthDate)
		}
	}
}

func BenchmarkBeneficiary(b *testing.B) {
	d := NewDatasetAt(1, 2_000_000, testNow)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = d.Beneficiary(4 + i%1_999_990)
		i += 7_919
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkByCard(b *testing.B) {
	d := NewDatasetAt(1, 2_000_000, testNow)
	cards := make([]string, 1024)
	for k := range cards {
		cards[k] = d.Beneficiary(4 + k*1_951).Card
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		if _, ok := d.ByCard(cards[k%len(cards)]); !ok {
			b.Fatal("card not found")
		}
		k++
	}
}

func BenchmarkContract(b *testing.B) {
	d := NewDatasetAt(1, 2_000_000, testNow)
	card := d.Beneficiary(1_234_567).Card
	b.ReportAllocs()
	for b.Loop() {
		_, _ = d.Contract(card)
	}
}
