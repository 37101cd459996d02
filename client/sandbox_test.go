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
