package totvs

import (
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/internal/clienttest"
	"github.com/balcao/balcao/model"
)

// testdata/authorizations.json is the vendor's published example of the authorizations endpoint (its struct list
// shortened to the entries the copy shows); billing.json and search.json are built from the vendor's field tables,
// which publish no example.

// recorded is the last request a desk test server saw.
type recorded struct {
	mu    sync.Mutex
	path  string
	query url.Values
	ctype string
	calls atomic.Int32
}

func (r *recorded) get() (string, url.Values, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.path, r.query, r.ctype
}

// serveDesk answers every request with status and body, recording it.
func serveDesk(t *testing.T, status int, body []byte) (*recorded, *Client) {
	t.Helper()
	rec := &recorded{}
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		rec.calls.Add(1)
		rec.mu.Lock()
		rec.path, rec.query, rec.ctype = r.URL.Path, r.URL.Query(), r.Header.Get("Content-Type")
		rec.mu.Unlock()
		clienttest.WriteJSON(w, status, body)
	})
	c := New(Options{BaseURL: srv.URL + "/rest", User: "pls", Password: "s3cr3t", PageSize: 25})
	t.Cleanup(func() { _ = c.Close() })
	return rec, c
}

var window = model.Window{From: time.Date(2022, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2022, 11, 30, 0, 0, 0, 0, time.UTC)}

func TestTOTVSAuthorizationsSeed(t *testing.T) {
	rec, c := serveDesk(t, 200, clienttest.Seed(t, "authorizations.json"))
	a, err := c.Authorizations(clienttest.Ctx(t), "0001.1008.000027.01-0", model.AuthorizationQuery{Window: window, Page: 2})
	require.NoError(t, err)
	path, q, ctype := rec.get()
	assert.Equal(t, "/rest/totvsHealthPlans/v1/beneficiaryPosition/"+card+"/authorizations", path)
	assert.Equal(t, "2022-09-01", q.Get("initialDate"))
	assert.Equal(t, "2022-11-30", q.Get("finalDate"))
	assert.Equal(t, "2", q.Get("page"))
	assert.Equal(t, "25", q.Get("pageSize"))
	assert.Equal(t, "-bd5_datpro", q.Get("order"), "newest first")
	assert.Equal(t, "application/json", ctype, "the vendor marks Content-Type required")

	assert.Equal(t, 2, a.Page)
	assert.False(t, a.More)
	require.Len(t, a.Items, 3)
	g := a.Items[0]
	assert.Equal(t, model.Authorization{ID: "BD5-000199990000049900000001", Guide: "9999.00000499.00000001",
		Date: "2022-11-01", ProviderCode: "000004", Provider: "HOSPITAL BOM CLIMA", TypeCode: "01", Type: "GUIA DE CONSULTA",
		PhaseCode: "3", Phase: "Pronta", StatusCode: "1", Status: "Ativa", StatusKind: model.AuthStatusActive,
		Fields: g.Fields}, g, "phase and status in words when the struct has no combo box")
	assert.Equal(t, "Digitação", a.Items[2].Phase)
	assert.Equal(t, "GUIA DE SOL. INTERNACAO", a.Items[2].Type)
	assert.Equal(t, []model.Field{{Label: "Cd.Local Dig", Value: "9999"}, {Label: "Código PEG", Value: "00000499"},
		{Label: "Número", Value: "00000001"}, {Label: "Data Evento", Value: "01/11/2022"},
		{Label: "Cd.Cred/Coop", Value: "000004"}, {Label: "Nm.Cred/Coop", Value: "HOSPITAL BOM CLIMA"},
		{Label: "Chave da autorização", Value: "BD5-000199990000049900000001"}, {Label: "Tipo de guia", Value: "GUIA DE CONSULTA"},
		{Label: "bd5_fase", Value: "3"}, {Label: "bd5_situac", Value: "1"}, {Label: "bd5_tipgui", Value: "01"}},
		g.Fields, "the struct's titles and pictures first, then the other columns")
}

func TestTOTVSAuthorizationsShapes(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, a *model.Authorizations)
	}{
		{"empty", `{"items":[],"hasNext":false,"remainingRecords":0}`, func(t *testing.T, a *model.Authorizations) {
			assert.Empty(t, a.Items)
			assert.False(t, a.More)
		}},
		{"more pages", `{"items":[{"bd5_fase":"4","bd5_situac":"2","bd5_tipgui":"02","bd6_despro":"HEMOGRAMA"}],
			"hasNext":true,"remainingRecords":41}`, func(t *testing.T, a *model.Authorizations) {
			assert.True(t, a.More)
			assert.Equal(t, 41, a.Remaining)
			g := a.Items[0]
			assert.Equal(t, "Faturada", g.Phase)
			assert.Equal(t, "Cancelada", g.Status)
			assert.Equal(t, model.AuthStatusCancelled, g.StatusKind)
			assert.Equal(t, "Guia de SP/SADT", g.Type, "no description: the type in words")
			assert.Equal(t, "HEMOGRAMA", g.Procedure)
		}},
		{"combo boxes win", `{"items":[{"bd5_fase":"2","bd5_situac":"3","bd5_tipgui":"09"}],
			"struct":[{"field":"BD5_FASE","type":"C","title":"Fase","cbox":[{"value":"2","description":"Conferencia"}]},
			{"field":"BD5_SITUAC","type":"C","title":"Sit.","cbox":"1=Ativo;2=Cancelado;3=Bloqueado"}]}`,
			func(t *testing.T, a *model.Authorizations) {
				g := a.Items[0]
				assert.Equal(t, "Conferencia", g.Phase, "as the plan writes it")
				assert.Equal(t, "Bloqueado", g.Status)
				assert.Equal(t, model.AuthStatusBlocked, g.StatusKind)
				assert.Equal(t, "código 09", g.Type, "an unknown code says so")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := serveDesk(t, 200, []byte(tt.body))
			a, err := c.Authorizations(clienttest.Ctx(t), card, model.AuthorizationQuery{Window: window})
			require.NoError(t, err)
			assert.Equal(t, 1, a.Page, "page 0 means the first")
			tt.check(t, a)
		})
	}
}

func TestTOTVSBillingSeed(t *testing.T) {
	rec, c := serveDesk(t, 200, clienttest.Seed(t, "billing.json"))
	month := model.Month{Year: 2025, Month: time.March}
	b, err := c.Billing(clienttest.Ctx(t), card, month, model.BillingBilled)
	require.NoError(t, err)
	path, q, _ := rec.get()
	assert.Equal(t, "/rest/totvsHealthPlans/v1/beneficiaryPosition/"+card+"/billing", path)
	assert.Equal(t, url.Values{"baseMonth": {"3"}, "baseYear": {"2025"}, "billingType": {"2"}}, q)

	assert.Equal(t, month, b.Month)
	assert.Equal(t, model.BillingBilled, b.Kind)
	assert.Equal(t, "PLS000100123 DP", b.Title)
	assert.Equal(t, "0000007123", b.Collection)
	assert.Equal(t, model.Money(95482), b.Amount)
	assert.Equal(t, "R$ 954,82", b.Amount.String())
	assert.False(t, b.AmountIsCredit)
	assert.Equal(t, model.Money(62010), b.EmployerAmount)
	assert.Equal(t, model.Money(1250), b.Credits)
	assert.Equal(t, model.Money(158742), b.Debts)
	require.Len(t, b.Members, 2)
	assert.Equal(t, "FABIANA SOPHIA MELO", b.Members[1].Name)
	assert.Equal(t, model.Money(70357), b.Members[1].Amount)
	assert.Equal(t, []model.BillingItem{{Code: "101", Description: "MENSALIDADE", Value: 69007},
		{Code: "130", Description: "REAJUSTE RETROATIVO", Retroactive: true, Value: 1350}}, b.Members[1].Items)
	assert.True(t, b.Members[0].Items[2].Credit)
	assert.False(t, b.Empty())
}

func TestTOTVSBillingShapes(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, b *model.Billing)
	}{
		{"empty month", `{"credits":0,"debts":0,"familyAmount":0,"employerCredits":0,"employerDebts":0,"employerAmount":0,
			"amount":0,"amountType":"D","beneficiaries":[]}`, func(t *testing.T, b *model.Billing) { assert.True(t, b.Empty()) }},
		{"credit, amounts as strings", `{"amount":"25.10","amountType":"C","credits":"25,10","debts":"0"}`,
			func(t *testing.T, b *model.Billing) {
				assert.Equal(t, model.Money(2510), b.Amount)
				assert.True(t, b.AmountIsCredit)
				assert.Equal(t, model.Money(2510), b.Credits)
			}},
		{"older page: wrapped in billsToBill", `{"baseMonth":3,"baseYear":2025,"billsToBill":{"amount":100.5,"amountType":"D",
			"beneficiaries":[{"subscriberId":"00011008000027010","name":"H","amount":100.5,"compositions":[]}]}}`,
			func(t *testing.T, b *model.Billing) {
				assert.Equal(t, model.Money(10050), b.Amount)
				require.Len(t, b.Members, 1)
				assert.Equal(t, card, b.Members[0].Card)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := serveDesk(t, 200, []byte(tt.body))
			b, err := c.Billing(clienttest.Ctx(t), card, model.Month{Year: 2025, Month: 3}, model.BillingToBill)
			require.NoError(t, err)
			tt.check(t, b)
		})
	}
}

// BillingMonth asks the kind that fits the month first, and the other kind when the plan has nothing of it.
func TestTOTVSBillingMonthPicksTheKind(t *testing.T) {
	full := clienttest.Seed(t, "billing.json")
	empty := []byte(`{"amount":0,"beneficiaries":[]}`)
	var kinds []string
	var mu sync.Mutex
	answerFor := map[string][]byte{}
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		k := r.URL.Query().Get("billingType")
		mu.Lock()
		kinds = append(kinds, k)
		body := answerFor[k]
		mu.Unlock()
		clienttest.WriteJSON(w, 200, body)
	})
	c := New(Options{BaseURL: srv.URL})
	current := model.Month{Year: 2025, Month: 6}
	tests := []struct {
		name      string
		month     model.Month
		toBill    []byte
		billed    []byte
		wantCalls []string
		wantKind  model.BillingKind
	}{
		{"past month: billed first", model.Month{Year: 2025, Month: 5}, empty, full, []string{"2"}, model.BillingBilled},
		{"current month: to bill first", current, full, empty, []string{"1"}, model.BillingToBill},
		{"current month already billed", current, empty, full, []string{"1", "2"}, model.BillingBilled},
		{"nothing anywhere", current, empty, empty, []string{"1", "2"}, model.BillingToBill},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			kinds, answerFor = nil, map[string][]byte{"1": tt.toBill, "2": tt.billed}
			mu.Unlock()
			b, err := c.BillingMonth(clienttest.Ctx(t), card, tt.month, current)
			require.NoError(t, err)
			assert.Equal(t, tt.wantKind, b.Kind)
			mu.Lock()
			assert.Equal(t, tt.wantCalls, kinds)
			mu.Unlock()
		})
	}
}

func TestTOTVSSearchSeed(t *testing.T) {
	rec, c := serveDesk(t, 200, clienttest.Seed(t, "search.json"))
	ms, err := c.Search(clienttest.Ctx(t), "hernandes")
	require.NoError(t, err)
	path, q, _ := rec.get()
	assert.Equal(t, "/rest/totvsHealthPlans/v1/beneficiaryPosition/search", path)
	assert.Equal(t, "hernandes", q.Get("key"))
	require.Len(t, ms, 2)
	assert.Equal(t, model.OriginTOTVS, ms[0].Origin, "marked as the plan's")
	assert.Equal(t, model.Beneficiary{Card: card, Name: "HERNANDES ALVES DA SILVA"}, ms[0].Beneficiary,
		"no CPF in the vendor's list: no chaveUnica")

	// Asked by CPF, the answer is that CPF's: it becomes the chaveUnica.
	cpf := "23576483098"
	ms, err = c.SearchQuery(clienttest.Ctx(t), model.Classify(model.FormatCPF(cpf)))
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, cpf, ms[0].Beneficiary.ChaveUnica)
	_, q, _ = rec.get()
	assert.Equal(t, cpf, q.Get("key"))

	// By name, each row must meet every word.
	ms, err = c.SearchQuery(clienttest.Ctx(t), model.Classify("fabiana melo"))
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "FABIANA SOPHIA MELO", ms[0].Beneficiary.Name)
	_, q, _ = rec.get()
	assert.Equal(t, "fabiana melo", q.Get("key"))
}

func TestTOTVSSearchEmptyAndUnanswerable(t *testing.T) {
	rec, c := serveDesk(t, 404, clienttest.Seed(t, "e001.json"))
	ms, err := c.Search(clienttest.Ctx(t), "ninguem")
	require.NoError(t, err, "E001: nobody found is an empty answer")
	assert.Empty(t, ms)
	before := rec.calls.Load()
	for _, term := range []string{"(27) 99876-5432", "05/08/1994", "0000001"} {
		ms, err := c.SearchQuery(clienttest.Ctx(t), model.Classify(term))
		require.NoError(t, err)
		assert.Empty(t, ms, term)
	}
	assert.Equal(t, before, rec.calls.Load(), "a phone, a birth date alone, a contract: TOTVS cannot answer them")
	_, err = c.Search(clienttest.Ctx(t), "  ")
	assert.Equal(t, client.KindBadRequest, client.KindOf(err))
}

// A card that is not 17 digits is refused before the call, in pt-BR: the vendor's path takes the 17-digit id.
func TestTOTVSCardOfWrongLengthRefusedBeforeTheCall(t *testing.T) {
	rec, c := serveDesk(t, 200, clienttest.Seed(t, "contract.json"))
	tests := []struct{ card, msg string }{
		{"0001100800002701", "tem 16 dígitos; o TOTVS usa carteirinhas de 17 dígitos"},
		{"0001.1008.000027.01", "tem 16 dígitos"},
		{"000110080000270101", "tem 18 dígitos"},
		{"0001A008000027010", "só números"},
	}
	ctx := clienttest.Ctx(t)
	for _, tt := range tests {
		for name, call := range map[string]func() error{
			"contract": func() error { _, err := c.Contract(ctx, tt.card); return err },
			"grace":    func() error { _, err := c.GraceClasses(ctx, tt.card); return err },
			"authorizations": func() error {
				_, err := c.Authorizations(ctx, tt.card, model.AuthorizationQuery{Window: window})
				return err
			},
			"billing": func() error { _, err := c.Billing(ctx, tt.card, model.Month{Year: 2025, Month: 1}, 1); return err },
		} {
			e := clienttest.AsError(t, call())
			assert.Equal(t, client.KindBadRequest, e.Kind, name)
			assert.False(t, e.Sent())
			assert.Contains(t, e.UserMessage(), tt.msg, "%s %s", name, tt.card)
		}
	}
	assert.Zero(t, rec.calls.Load(), "nothing sent")
	_, err := c.Authorizations(ctx, card, model.AuthorizationQuery{Window: model.Window{From: window.To, To: window.From}})
	assert.Contains(t, client.UserMessage(err), "Período inválido")
	_, err = c.Billing(ctx, card, model.Month{Year: 2025, Month: 13}, 1)
	assert.Contains(t, client.UserMessage(err), "Mês inválido")
	assert.Zero(t, rec.calls.Load())
}

func TestTOTVSDeskErrorModel(t *testing.T) {
	_, c := serveDesk(t, 400, []byte(`{"code":"E002","message":"Parâmetro inválido","detailedMessage":"baseMonth deve estar entre 1 e 12"}`))
	_, err := c.Billing(clienttest.Ctx(t), card, model.Month{Year: 2025, Month: 3}, model.BillingToBill)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindBadRequest, e.Kind)
	assert.Contains(t, e.UserMessage(), "“Parâmetro inválido — baseMonth deve estar entre 1 e 12”", "detailedMessage reaches the attendant")

	_, c = serveDesk(t, 404, clienttest.Seed(t, "e001.json"))
	_, err = c.Authorizations(clienttest.Ctx(t), card, model.AuthorizationQuery{Window: window})
	assert.ErrorIs(t, err, client.ErrNotFound)
	assert.Contains(t, client.UserMessage(err), "Não foi encontrado nenhum beneficiário com a matricula")
}

// Carências keeps each class's code with a plan transfer too (the console shows it beside the two networks).
func TestTOTVSGraceClassCodeKeptWithTransfer(t *testing.T) {
	var g GracePeriodClasses
	require.NoError(t, client.DecodeJSON(clienttest.Seed(t, "grace_class_transfer.json"), &g))
	m := g.Model()
	require.True(t, m.Transfer)
	require.Len(t, m.Items, 2)
	assert.Equal(t, model.GraceClass{Code: "002", Description: "CONSULTA", PrevEnd: "2022-01-13",
		PrevStatus: "Carencia Cumprida", CurEnd: "2022-01-13", CurStatus: "Carencia Cumprida"}, m.Items[1])
}
