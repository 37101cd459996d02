package client

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func sandboxTOTVS(sb *sandbox.Sandbox, oauth bool, mut ...func(*TOTVSOptions)) *TOTVS {
	o := TOTVSOptions{BaseURL: sb.TOTVSURL(), User: sb.Options().TOTVSUser, Password: sb.Options().TOTVSPassword,
		OAuth2: oauth, TenantID: sb.Options().TenantID, Retries: 2, RetryWait: fastWait, RetryMaxWait: fastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return NewTOTVS(o)
}

func sandboxMosia(sb *sandbox.Sandbox, mut ...func(*MosiaOptions)) *Mosia {
	o := MosiaOptions{BaseURL: sb.MosiaURL(), Token: sb.Options().MosiaToken, Retries: 2,
		RetryWait: fastWait, RetryMaxWait: fastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return NewMosia(o)
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
			c := sandboxTOTVS(sb, oauth, func(o *TOTVSOptions) { o.PageSize = 2 })
			defer c.Close()
			ctx := ctxT(t)
			ct, err := c.Contract(ctx, b.Card)
			require.NoError(t, err)
			assert.Equal(t, b.Card, ct.Fields["card"])
			assert.NotEmpty(t, ct.Struct)
			fam, err := c.Family(ctx, b.Card)
			require.NoError(t, err)
			assert.Equal(t, wantFamily.Beneficiaries, fam.Beneficiaries)
			gc, err := c.GracePeriodClasses(ctx, b.Card)
			require.NoError(t, err)
			assert.Equal(t, wantClasses.Items, gc.Items, "pages of 2 merged")
			assert.Equal(t, wantClasses.BeneficiaryTransfer, gc.BeneficiaryTransfer)
			assert.False(t, gc.HasNext)
			gg, err := c.GracePeriodGroups(ctx, b.Card)
			require.NoError(t, err)
			assert.Equal(t, wantGroups.Items, gg.Items)

			_, err = c.Contract(ctx, "00019999999999990")
			assert.ErrorIs(t, err, ErrNotFound)
			assert.Contains(t, UserMessage(err), "“Beneficiário não encontrado”")
			require.NoError(t, c.Ping(ctx))
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		for _, oauth := range []bool{false, true} {
			c := sandboxTOTVS(sb, oauth, func(o *TOTVSOptions) { o.Password = "nope" })
			_, err := c.Contract(ctxT(t), b.Card)
			assert.Equal(t, KindAuth, KindOf(err), "oauth2=%v", oauth)
		}
	})
}

func TestSandboxTokenExpiryAnd401(t *testing.T) {
	clk := &clock{t: time.Now()}
	sb := startSandbox(t, sandbox.Options{Seed: 3, Clock: clk.Now, TokenTTL: time.Hour})
	b := sb.Dataset().Beneficiary(0)
	c := sandboxTOTVS(sb, true)
	defer c.Close()
	_, err := c.Family(ctxT(t), b.Card)
	require.NoError(t, err)
	require.EqualValues(t, 1, sb.Requests(tokenPrefix))

	clk.Add(2 * time.Hour) // the sandbox expires the token; the client's clock did not move: 401, renew, repeat
	_, err = c.Family(ctxT(t), b.Card)
	require.NoError(t, err)
	assert.EqualValues(t, 2, sb.Requests(tokenPrefix), "renewed once with the refresh grant")

	c.tokens.now = func() time.Time { return time.Now().Add(3 * time.Hour) } // now the client sees expiry itself
	clk.Add(2 * time.Hour)
	_, err = c.Family(ctxT(t), b.Card)
	require.NoError(t, err)
	assert.EqualValues(t, 3, sb.Requests(tokenPrefix))
}

func TestSandboxMosiaCreateShapes(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 11})
	b := sb.Dataset().Beneficiary(1)
	c := sandboxMosia(sb)
	defer c.Close()
	req := model.OccurrenceRequest{IDFuncionalidade: 9298, IDTipoOcorrencia: 171, IDAssunto: 309,
		Solicitante: model.Requester{Nome: b.Name, ChaveUnica: b.ChaveUnica}, Anotacao: "teste"}
	shapes := []sandbox.CreateShape{sandbox.ShapeDataProtocolo, sandbox.ShapeDataOcorrencia, sandbox.ShapeDataArray,
		sandbox.ShapeTopLevel, sandbox.ShapeNone}
	for i, sh := range shapes {
		sb.SetCreateShape(sh)
		p, err := c.CreateOccurrence(ctxT(t), req)
		require.NoError(t, err, "shape %d", sh)
		created := sb.Created()
		require.Len(t, created, i+1)
		assert.Equal(t, created[i].Protocol, p, "shape %d", sh)
	}
	ps, err := c.LatestProtocols(ctxT(t), b.ChaveUnica, 10)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	assert.Equal(t, sb.Created()[len(shapes)-1].Protocol, ps[0].Protocolo.String(), "newest first")
	assert.EqualValues(t, len(shapes), sb.Requests("/clientes/ocorrencias")-sb.Requests("/clientes/ocorrencias/"),
		"one POST per occurrence")
}

func TestSandboxFaults(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Seed: 5})
	b := sb.Dataset().Beneficiary(2)
	req := model.OccurrenceRequest{IDTipoOcorrencia: 128, IDAssunto: 173,
		Solicitante: model.Requester{Nome: b.Name, ChaveUnica: b.ChaveUnica}}
	posts := func() int64 { return sb.Requests("/clientes/ocorrencias") - sb.Requests("/clientes/ocorrencias/") }

	t.Run("5xx: GET retried, POST not", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{FailRate: 1})
		defer sb.SetFaults(sandbox.Faults{})
		before := sb.Requests("/rest/totvsHealthPlans")
		_, err := sandboxTOTVS(sb, false).Contract(ctxT(t), b.Card)
		assert.Equal(t, KindServer, KindOf(err))
		assert.EqualValues(t, 3, sb.Requests("/rest/totvsHealthPlans")-before)

		beforePosts, beforeCreated := posts(), sb.CreatedCount()
		_, err = sandboxMosia(sb).CreateOccurrence(ctxT(t), req)
		e := asError(t, err)
		assert.Equal(t, KindServer, e.Kind)
		assert.True(t, e.Sent())
		assert.EqualValues(t, 1, posts()-beforePosts)
		assert.Equal(t, beforeCreated, sb.CreatedCount())
	})
	t.Run("answer lost after create", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{DropAfterCreate: 1, Scope: sandbox.ScopeMosiaPost})
		defer sb.SetFaults(sandbox.Faults{})
		before := sb.CreatedCount()
		_, err := sandboxMosia(sb).CreateOccurrence(ctxT(t), req)
		e := asError(t, err)
		assert.Equal(t, KindRefused, e.Kind)
		assert.True(t, e.Sent(), "it was created: the outbox must not resend blindly")
		assert.Equal(t, before+1, sb.CreatedCount())
	})
	t.Run("hang", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{HangRate: 1, Scope: sandbox.ScopeMosia})
		defer sb.SetFaults(sandbox.Faults{})
		c := sandboxMosia(sb, func(o *MosiaOptions) { o.Timeout = 100 * time.Millisecond; o.Retries = 0 })
		err := within(t, func() error { _, err := c.LatestProtocols(ctxT(t), b.ChaveUnica, 5); return err })
		assert.Equal(t, KindTimeout, KindOf(err))
	})
	t.Run("down", func(t *testing.T) {
		sb.SetFaults(sandbox.Faults{Down: true})
		defer sb.SetFaults(sandbox.Faults{})
		_, err := sandboxMosia(sb).CreateOccurrence(ctxT(t), req)
		e := asError(t, err)
		assert.Equal(t, KindRefused, e.Kind)
		assert.False(t, e.Sent())
		assert.Equal(t, KindRefused, KindOf(sandboxTOTVS(sb, true).Ping(ctxT(t))))
	})
	t.Run("wrong mosia token", func(t *testing.T) {
		_, err := sandboxMosia(sb, func(o *MosiaOptions) { o.Token = "other" }).LatestProtocols(ctxT(t), b.ChaveUnica, 1)
		assert.Equal(t, KindAuth, KindOf(err))
		assert.Equal(t, KindAuth, KindOf(sandboxMosia(sb, func(o *MosiaOptions) { o.Token = "other" }).Ping(ctxT(t))))
	})
}
