package client_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/internal/clienttest"
	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

const tokenPrefix = "/rest/api/oauth2/v1/token"

// clock is a movable clock shared with the sandbox.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func startSandbox(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if o.Beneficiaries == 0 {
		o.Beneficiaries = 300
	}
	sb := sandbox.New(o)
	require.NoError(t, sb.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}

func sandboxTOTVS(sb *sandbox.Sandbox, oauth bool, mut ...func(*totvs.Options)) *totvs.Client {
	o := totvs.Options{BaseURL: sb.TOTVSURL(), User: sb.Options().TOTVSUser, Password: sb.Options().TOTVSPassword,
		OAuth2: oauth, TenantID: sb.Options().TenantID, Retries: 2, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return totvs.New(o)
}

func sandboxMosia(sb *sandbox.Sandbox, mut ...func(*mosia.Options)) *mosia.Client {
	o := mosia.Options{BaseURL: sb.MosiaURL(), Token: sb.Options().MosiaToken, Retries: 2,
		RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return mosia.New(o)
}

// richBeneficiary picks a beneficiary with grace classes on more than one page of size 2.
func richBeneficiary(t *testing.T, sb *sandbox.Sandbox) model.Beneficiary {
	t.Helper()
	for i := range sb.Dataset().Len() {
		b := sb.Dataset().Beneficiary(i)
		if g, ok := sb.Dataset().GraceClasses(b.Card); ok && len(g.Items) > 2 {
			return b
		}
	}
	t.Fatal("no beneficiary with more than 2 grace classes")
	return model.Beneficiary{}
}

func TestSandboxTOTVS(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 7, TenantID: "01,006001"})
	b := richBeneficiary(t, sb)
	wantClasses, _ := sb.Dataset().GraceClasses(b.Card)
	wantGroups, _ := sb.Dataset().GraceGroups(b.Card)
	wantFamily, _ := sb.Dataset().Family(b.Card)
	for _, oauth := range []bool{false, true} {
		name := map[bool]string{false: "basic", true: "oauth2"}[oauth]
		t.Run(name, func(t *testing.T) {
			c := sandboxTOTVS(sb, oauth, func(o *totvs.Options) { o.PageSize = 2 })
			defer c.Close()
			ctx := clienttest.Ctx(t)
			ct, err := c.Contract(ctx, b.Card)
			require.NoError(t, err)
			assert.Equal(t, b.Card, ct.Card)
			assert.Equal(t, b.CPF, ct.CPF)
			assert.NotEmpty(t, ct.Sections)
			assert.NotEmpty(t, ct.Plan)
			fam, err := c.Family(ctx, b.Card)
			require.NoError(t, err)
			require.Len(t, fam.Members, len(wantFamily.Beneficiaries))
			for i, m := range fam.Members {
				w := wantFamily.Beneficiaries[i]
				assert.Equal(t, model.FamilyMember{Card: w.Card, Name: w.Name, Kinship: w.Kinship, Situation: w.Situation}, m)
			}
			gc, err := c.GraceClasses(ctx, b.Card)
			require.NoError(t, err)
			require.Len(t, gc.Items, len(wantClasses.Items), "pages of 2 merged")
			for i, it := range gc.Items {
				assert.Equal(t, wantClasses.Items[i].ClassCode, it.Code)
				assert.Equal(t, wantClasses.Items[i].Status+wantClasses.Items[i].StatusCurrent, it.Status+it.CurStatus)
			}
			assert.Equal(t, wantClasses.BeneficiaryTransfer, gc.Transfer)
			assert.False(t, gc.More)
			gg, err := c.GraceGroups(ctx, b.Card)
			require.NoError(t, err)
			require.Len(t, gg.Items, len(wantGroups.Items))
			for i, it := range gg.Items {
				assert.Equal(t, wantGroups.Items[i].GroupCode, it.Code)
			}

			_, err = c.Contract(ctx, "00019999999999990")
			assert.ErrorIs(t, err, client.ErrNotFound)
			assert.Contains(t, client.UserMessage(err), "“Beneficiário não encontrado — Não foi encontrado nenhum "+
				"beneficiário com a matricula 00019999999999990”", "TOTVS's detailedMessage reaches the attendant")
			require.NoError(t, c.Ping(ctx))
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		for _, oauth := range []bool{false, true} {
			c := sandboxTOTVS(sb, oauth, func(o *totvs.Options) { o.Password = "nope" })
			_, err := c.Contract(clienttest.Ctx(t), b.Card)
			assert.Equal(t, client.KindAuth, client.KindOf(err), "oauth2=%v", oauth)
		}
	})
}

func TestSandboxTokenExpiryAnd401(t *testing.T) {
	clk := &clock{t: time.Now()}
	sb := startSandbox(t, sandbox.Options{Seed: 3, Clock: clk.Now, TokenTTL: time.Hour})
	b := sb.Dataset().Beneficiary(0)
	var skew atomic.Int64 // how far ahead the client's clock runs
	c := sandboxTOTVS(sb, true, func(o *totvs.Options) {
		o.Clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	})
	defer c.Close()
	_, err := c.Family(clienttest.Ctx(t), b.Card)
	require.NoError(t, err)
	require.EqualValues(t, 1, sb.Requests(tokenPrefix))

	clk.Add(2 * time.Hour) // the sandbox expires the token; the client's clock did not move: 401, renew, repeat
	_, err = c.Family(clienttest.Ctx(t), b.Card)
	require.NoError(t, err)
	assert.EqualValues(t, 2, sb.Requests(tokenPrefix), "renewed once with the refresh grant")

	skew.Store(int64(3 * time.Hour)) // now the client sees expiry itself
	clk.Add(2 * time.Hour)
	_, err = c.Family(clienttest.Ctx(t), b.Card)
	require.NoError(t, err)
	assert.EqualValues(t, 3, sb.Requests(tokenPrefix))
}

func TestSandboxMosiaCreateShapes(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 11})
	b := sb.Dataset().Beneficiary(1)
	c := sandboxMosia(sb)
	defer c.Close()
	req := model.Occurrence{Function: 9298, TypeID: 171, SubjectID: 309,
		Requester: model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}, Note: "teste"}
	shapes := []sandbox.CreateShape{sandbox.ShapeDataProtocolo, sandbox.ShapeDataOcorrencia, sandbox.ShapeDataArray,
		sandbox.ShapeTopLevel, sandbox.ShapeNone}
	for i, sh := range shapes {
		sb.SetCreateShape(sh)
		p, err := c.CreateOccurrence(clienttest.Ctx(t), req)
		require.NoError(t, err, "shape %d", sh)
		created := sb.Created()
		require.Len(t, created, i+1)
		assert.Equal(t, created[i].Protocol, p, "shape %d", sh)
	}
	ps, err := c.LatestProtocols(clienttest.Ctx(t), b.ChaveUnica, 10)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	assert.Equal(t, sb.Created()[len(shapes)-1].Protocol, ps[0].Number, "newest first")
	assert.EqualValues(t, len(shapes), sb.Requests("/clientes/ocorrencias")-sb.Requests("/clientes/ocorrencias/"),
		"one POST per occurrence")
}

func TestSandboxFaults(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 5})
	b := sb.Dataset().Beneficiary(2)
	req := model.Occurrence{TypeID: 128, SubjectID: 173, Requester: model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}}
	posts := func() int64 { return sb.Requests("/clientes/ocorrencias") - sb.Requests("/clientes/ocorrencias/") }

	t.Run("5xx: GET retried, POST not", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{FailRate: 1})
		defer sb.SetFaults(sandbox.Faults{})
		before := sb.Requests("/rest/totvsHealthPlans")
		_, err := sandboxTOTVS(sb, false).Contract(clienttest.Ctx(t), b.Card)
		assert.Equal(t, client.KindServer, client.KindOf(err))
		assert.EqualValues(t, 3, sb.Requests("/rest/totvsHealthPlans")-before)

		beforePosts, beforeCreated := posts(), sb.CreatedCount()
		_, err = sandboxMosia(sb).CreateOccurrence(clienttest.Ctx(t), req)
		e := clienttest.AsError(t, err)
		assert.Equal(t, client.KindServer, e.Kind)
		assert.True(t, e.Sent())
		assert.EqualValues(t, 1, posts()-beforePosts)
		assert.Equal(t, beforeCreated, sb.CreatedCount())
	})
	t.Run("answer lost after create", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{DropAfterCreate: 1, Scope: sandbox.ScopeMosiaPost})
		defer sb.SetFaults(sandbox.Faults{})
		before := sb.CreatedCount()
		_, err := sandboxMosia(sb).CreateOccurrence(clienttest.Ctx(t), req)
		e := clienttest.AsError(t, err)
		assert.Equal(t, client.KindRefused, e.Kind)
		assert.True(t, e.Sent(), "it was created: the outbox must not resend blindly")
		assert.Equal(t, before+1, sb.CreatedCount())
	})
	t.Run("hang", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{HangRate: 1, Scope: sandbox.ScopeMosia})
		defer sb.SetFaults(sandbox.Faults{})
		c := sandboxMosia(sb, func(o *mosia.Options) { o.Timeout = 100 * time.Millisecond; o.Retries = 0 })
		err := clienttest.Within(t, func() error { _, err := c.LatestProtocols(clienttest.Ctx(t), b.ChaveUnica, 5); return err })
		assert.Equal(t, client.KindTimeout, client.KindOf(err))
	})
	t.Run("down", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{Down: true})
		defer sb.SetFaults(sandbox.Faults{})
		_, err := sandboxMosia(sb).CreateOccurrence(clienttest.Ctx(t), req)
		e := clienttest.AsError(t, err)
		assert.Equal(t, client.KindRefused, e.Kind)
		assert.False(t, e.Sent())
		assert.Equal(t, client.KindRefused, client.KindOf(sandboxTOTVS(sb, true).Ping(clienttest.Ctx(t))))
	})
	t.Run("wrong mosia token", func(t *testing.T) {
		_, err := sandboxMosia(sb, func(o *mosia.Options) { o.Token = "other" }).LatestProtocols(clienttest.Ctx(t), b.ChaveUnica, 1)
		assert.Equal(t, client.KindAuth, client.KindOf(err))
		assert.Equal(t, client.KindAuth, client.KindOf(sandboxMosia(sb, func(o *mosia.Options) { o.Token = "other" }).Ping(clienttest.Ctx(t))))
	})
}

// The desk's TOTVS calls over real HTTP against the sandbox: authorizations paged through a window, a month's
// billing both kinds, and the search that finds the newcomers the directory lacks.
func TestSandboxDeskTOTVS(t *testing.T) {
	for _, oauth := range []bool{false, true} {
		sb := startSandbox(t, sandbox.Options{Seed: 7})
		c := sandboxTOTVS(sb, oauth, func(o *totvs.Options) { o.PageSize = 5 })
		ctx := clienttest.Ctx(t)
		now := sb.Dataset().Now()
		w := model.LastDays(now, 365)

		var got []model.Authorization
		for page := 1; ; page++ {
			a, err := c.Authorizations(ctx, sandbox.SeedHernandesCard, model.AuthorizationQuery{Window: w, Page: page})
			require.NoError(t, err)
			require.LessOrEqual(t, len(a.Items), 5)
			got = append(got, a.Items...)
			if !a.More {
				assert.Zero(t, a.Remaining)
				break
			}
			assert.Positive(t, a.Remaining)
		}
		all, _ := sb.Dataset().Authorizations(sandbox.SeedHernandesCard)
		inWindow := 0
		for _, it := range all {
			if d, ok := model.ParseDate(it["bd5_datpro"].(string)); ok && w.Contains(d) {
				inWindow++
			}
		}
		require.Equal(t, inWindow, len(got), "every guide of the window, across pages")
		require.Greater(t, len(got), 5, "the seed card has guides worth showing")
		for i, g := range got {
			assert.NotEmpty(t, g.Guide)
			assert.NotEmpty(t, g.Provider)
			assert.NotEmpty(t, g.Phase)
			assert.NotEmpty(t, g.Status)
			assert.NotEmpty(t, g.Procedure)
			assert.Len(t, g.Fields, 12, "every column, titled (ten in the struct, two beside it)")
			if i > 0 {
				assert.GreaterOrEqual(t, got[i-1].Date, g.Date, "newest first")
			}
		}

		current := model.MonthOfDate(now) // the dataset's "now" is a calendar day
		b, err := c.BillingMonth(ctx, sandbox.SeedHernandesCard, current, current)
		require.NoError(t, err)
		assert.Equal(t, model.BillingToBill, b.Kind)
		require.Len(t, b.Members, 2, "Hernandes and Fabiana")
		assert.Positive(t, b.EmployerAmount, "a company contract: the employer pays a share")
		sum := model.Money(0)
		for _, m := range b.Members {
			sum += m.Amount
			assert.NotEmpty(t, m.Items)
		}
		assert.Equal(t, b.FamilyAmount, sum)
		assert.Equal(t, b.FamilyAmount-b.EmployerAmount, b.Amount)
		past, err := c.BillingMonth(ctx, sandbox.SeedHernandesCard, current.Add(-2), current)
		require.NoError(t, err)
		assert.Equal(t, model.BillingBilled, past.Kind)
		assert.NotEmpty(t, past.Title)
		future, err := c.Billing(ctx, sandbox.SeedHernandesCard, current.Add(3), model.BillingToBill)
		require.NoError(t, err)
		assert.True(t, future.Empty())

		newcomer := sb.Dataset().Newcomers()[0]
		_, inDirectory := sb.Dataset().ByCard(newcomer.Card)
		assert.False(t, inDirectory, "a newcomer is not in the directory")
		ms, err := c.SearchQuery(ctx, model.Classify("larissa duarte"))
		require.NoError(t, err)
		require.Len(t, ms, 1)
		assert.Equal(t, newcomer.CPF, ms[0].Beneficiary.ChaveUnica)
		assert.Equal(t, model.OriginTOTVS, ms[0].Origin)
		ct, err := c.Contract(ctx, ms[0].Beneficiary.Card)
		require.NoError(t, err, "opening one works as usual")
		assert.Equal(t, "LARISSA MONTEIRO DUARTE", ct.Name)
		ms, err = c.SearchQuery(ctx, model.Classify(model.FormatCPF(newcomer.CPF)))
		require.NoError(t, err)
		require.Len(t, ms, 1)
		ms, err = c.SearchQuery(ctx, model.Classify("ninguem inexistente"))
		require.NoError(t, err)
		assert.Empty(t, ms)

		_, err = c.Contract(ctx, sandbox.SeedHernandesCard[:16])
		assert.Contains(t, client.UserMessage(err), "16 dígitos")
		assert.Zero(t, sb.Requests("/rest/totvsHealthPlans/v1/beneficiaryPosition/"+sandbox.SeedHernandesCard[:16]+"/"))
	}
}

// The desk's Mosia calls over real HTTP: a protocol's detail, a note, a closing, a draft activated, and the
// sandbox's refusals reaching the attendant in Mosia's words.
func TestSandboxDeskMosia(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 7})
	c := sandboxMosia(sb)
	ctx := clienttest.Ctx(t)
	const p = "1111120240710000017"
	d, err := c.Detail(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "Reembolso exame", d.Subject)
	assert.Equal(t, 309, d.SubjectID)
	assert.True(t, d.SLAOverdue(time.Now()), "2024's SLA is past")
	assert.Equal(t, sandbox.SeedPatrick, d.Requester.ChaveUnica)
	require.Len(t, d.Forms, 1)
	assert.Contains(t, d.Forms[0].Answers, model.Field{Label: "tipo", Value: "Reclamação"})
	assert.True(t, d.NotesKnown)
	assert.Empty(t, d.Notes)

	base := model.FollowUp{Protocol: p, Requester: sandbox.SeedPatrick, AttendantID: 44}
	n := base
	n.Note = &model.NoteAction{Text: "Retornar amanhã.", Public: true}
	require.NoError(t, c.AddNote(ctx, n))
	wrong := base
	wrong.Requester = "52998224725"
	wrong.Status = &model.StatusAction{StatusID: 249}
	err = c.ChangeStatus(ctx, wrong)
	assert.Contains(t, client.UserMessage(err), "chaveUnicaSolicitante não confere")
	unknown := base
	unknown.Status = &model.StatusAction{StatusID: 999}
	assert.Contains(t, client.UserMessage(c.ChangeStatus(ctx, unknown)), "Status 999 não encontrado")
	done := base
	done.Status = &model.StatusAction{StatusID: 249, ReasonID: 2261, Outcome: "Reembolso pago."}
	require.NoError(t, c.ChangeStatus(ctx, done))
	d, err = c.Detail(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, model.Ref{ID: 249, Name: "Encerrado"}, d.Status)
	assert.Equal(t, []string{"Retornar amanhã."}, []string{d.Notes[0].Text})
	assert.Equal(t, 44, d.Notes[0].AttendantID)
	assert.Equal(t, "Reembolso pago.", d.Outcome)
	assert.Equal(t, model.Ref{ID: 2261, Name: "Solicitação atendida"}, d.ClosingReason)
	a := base
	a.Activate = true
	assert.Contains(t, client.UserMessage(c.Activate(ctx, a)), "não está em rascunho")

	b := sb.Dataset().Beneficiary(10)
	who := model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}
	draft, err := c.CreateOccurrence(ctx, model.Occurrence{TypeID: 128, SubjectID: 174, Draft: true, Requester: who})
	require.NoError(t, err)
	closeDraft := model.FollowUp{Protocol: draft, Requester: b.ChaveUnica, Status: &model.StatusAction{StatusID: 249}}
	assert.Contains(t, client.UserMessage(c.ChangeStatus(ctx, closeDraft)), "rascunho")
	d, err = c.Detail(ctx, draft)
	require.NoError(t, err)
	require.True(t, d.DraftKnown)
	assert.True(t, d.Draft)
	require.NoError(t, c.Activate(ctx, model.FollowUp{Protocol: draft, Requester: b.ChaveUnica, Activate: true}))
	d, err = c.Detail(ctx, draft)
	require.NoError(t, err)
	assert.False(t, d.Draft)
	assert.Equal(t, "Aberto", d.Status.Name)
	require.NoError(t, c.ChangeStatus(ctx, closeDraft))

	_, err = c.Detail(ctx, "99999999999999999999")
	assert.ErrorIs(t, err, client.ErrNotFound)
	assert.Contains(t, client.UserMessage(err), "não encontrou o protocolo 99999999999999999999")
}
