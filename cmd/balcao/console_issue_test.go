package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// What a call's outcome says of its upstream: an answer in time is ok, a slow one "lento", a refusal of the question
// (not found, bad request) still an answer, no answer a failure, and a cancelled call nothing.
func TestHealthFromCallOutcomes(t *testing.T) {
	tests := []struct {
		name  string
		took  time.Duration
		err   error
		want  common.HealthState
		tells bool
	}{
		{"answered", 100 * time.Millisecond, nil, common.HealthOK, true},
		{"answered slowly", 3 * time.Second, nil, common.HealthSlow, true},
		{"not found is an answer", 50 * time.Millisecond, &client.Error{Kind: client.KindNotFound}, common.HealthOK, true},
		{"refused connection", 5 * time.Millisecond, &client.Error{Kind: client.KindRefused}, common.HealthDown, true},
		{"timeout", 10 * time.Second, &client.Error{Kind: client.KindTimeout}, common.HealthDown, true},
		{"server error", time.Second, &client.Error{Kind: client.KindServer}, common.HealthDown, true},
		{"caller gave up", time.Second, context.Canceled, 0, false},
		{"caller gave up (client)", time.Second, &client.Error{Kind: client.KindCanceled}, 0, false},
		{"anything else", time.Second, errors.New("boom"), common.HealthDown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := stateOf(tt.took, tt.err)
			assert.Equal(t, tt.tells, ok)
			if ok {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

// The probe never says ok with nothing listening; a real server that answers is ok; one past the probe's own
// deadline is a failure, one slower than slowAfter but within it is "lento". Each upstream has its own deadline.
func TestHealthProbeIsTrue(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	var h health
	assert.Equal(t, common.HealthUnknown, h.get().State, "nothing said ok before anything answered")
	c := mosia.New(mosia.Options{BaseURL: dead, Token: "t", Timeout: time.Second})
	defer c.Close()
	h.probe(context.Background(), 2*time.Second, c.Ping)
	assert.Equal(t, common.HealthDown, h.get().State, "nothing listening: falha")

	sb := sandbox.New(sandbox.Options{Seed: 1, Beneficiaries: 100})
	require.NoError(t, sb.Start("127.0.0.1:0"))
	defer sb.Close()
	up := mosia.New(mosia.Options{BaseURL: sb.MosiaURL(), Token: sb.Options().MosiaToken, Timeout: time.Second})
	defer up.Close()
	h.probe(context.Background(), 2*time.Second, up.Ping)
	assert.Equal(t, common.HealthOK, h.get().State)

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer hang.Close()
	slow := mosia.New(mosia.Options{BaseURL: hang.URL, Token: "t", Timeout: 10 * time.Second})
	defer slow.Close()
	h.probe(context.Background(), 300*time.Millisecond, slow.Ping)
	assert.Equal(t, common.HealthDown, h.get().State, "past its own deadline: falha")
}

// A real call's result updates the health at once: a success after failures turns it back to ok.
func TestRealCallsUpdateHealth(t *testing.T) {
	h := &health{}
	h.set(common.HealthDown)
	m := observedMosia{c: mosiaStub{}, h: h}
	_, err := m.LatestProtocols(context.Background(), "x", 1)
	require.NoError(t, err)
	assert.Equal(t, common.HealthOK, h.get().State)
	h.set(common.HealthSlow)
	h.reached()
	assert.Equal(t, common.HealthSlow, h.get().State, "a background send says it answers, not that it is fast")
}

type mosiaStub struct{}

func (mosiaStub) LatestProtocols(context.Context, string, int) ([]model.Protocol, error) {
	return nil, nil
}

// balcao sandbox writes a config file a console can load as it is (URLs, credentials, catalogue, a directory of the
// sandbox's people), 0600, and prints the line that uses it.
func TestSandboxSetupLineWorks(t *testing.T) {
	home := t.TempDir()
	dbPath := filepath.Join(home, "pessoas.db")
	cfgPath := filepath.Join(home, "sandbox.toml")
	s := sandbox.New(sandbox.Options{Seed: 1, Beneficiaries: 200})
	require.NoError(t, s.Start("127.0.0.1:0"))
	defer s.Close()
	got, err := writeSandboxSetup(context.Background(), s, sandboxSetup{config: cfgPath, directory: dbPath})
	require.NoError(t, err)
	assert.Equal(t, cfgPath, got)
	fi, err := os.Stat(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "it holds credentials")
	cfg, err := config.Load(cfgPath, nil)
	require.NoError(t, err)
	require.NoError(t, cfg.Validate(), "the console starts on it: catalogue and directory included")
	assert.Equal(t, s.TOTVSURL(), cfg.TOTVS.URL)
	assert.Equal(t, dbPath, cfg.DB)
	assert.False(t, cfg.Demo())
	require.FileExists(t, dbPath)
}

func (mosiaStub) Detail(context.Context, string) (*model.ProtocolDetail, error) {
	return &model.ProtocolDetail{}, nil
}
