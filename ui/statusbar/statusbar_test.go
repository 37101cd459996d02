package statusbar

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

type status struct{ totvs, mosia common.HealthState }

func (status) ServerAddr() string    { return "" }
func (status) ServerError() string   { return "porta 127.0.0.1:8089 ocupada" }
func (status) ServerRequests() int64 { return 0 }
func (s status) Upstreams() (common.Health, common.Health) {
	return common.Health{State: s.totvs}, common.Health{State: s.mosia}
}

func bar(noColor bool, st status) string {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	ctx := common.NewContext(&common.Services{Status: st, Demo: true}, common.Session{Renderer: r, NoColor: noColor})
	return New(ctx).View(80)
}

// The bar's states show in their own colours (the bar's foreground used to win: "ok" was never green), and a slow
// upstream is amber, not red.
func TestHealthColoursShow(t *testing.T) {
	v := bar(false, status{totvs: common.HealthOK, mosia: common.HealthSlow})
	assert.Contains(t, v, "38;2;95;215;135;48;2;48;48;48mTOTVS ok", "ok in green")
	assert.Contains(t, v, "38;2;255;175;0;48;2;48;48;48mMosia lento", "lento in amber")
	v = bar(false, status{totvs: common.HealthDown})
	assert.Contains(t, v, "38;2;255;95;95;48;2;48;48;48mTOTVS falha", "falha in red")
	assert.Contains(t, v, "Mosia …", "not heard from yet: neither ok nor falha")
}

// At 80 columns the warning word of a busca server that did not start stays whole.
func TestWarningWordKeptAt80(t *testing.T) {
	v := bar(false, status{totvs: common.HealthOK, mosia: common.HealthOK})
	lines := strings.Split(v, "\n")
	assert.Contains(t, lines[1], "ocupada")
}

// NO_COLOR removes colour only: bold, reverse and underline stay.
func TestNoColorKeepsAttributes(t *testing.T) {
	v := bar(true, status{totvs: common.HealthOK, mosia: common.HealthDown})
	assert.NotContains(t, v, "38;2;", "no colour")
	assert.NotContains(t, v, "48;2;", "no background colour")
	assert.Contains(t, v, "\x1b[1;", "bold stays")
	assert.Contains(t, v, "7", "reverse stays")
}

// A refused occurrence is flashed with "open Pendências", unless the screen on view is correcting it (Quiet).
func TestNeedsCorrectionFlashUnlessQuiet(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		r := lipgloss.NewRenderer(io.Discard)
		ctx := common.NewContext(&common.Services{Status: status{}, Demo: true}, common.Session{Renderer: r})
		m := New(ctx)
		item := common.OutboxItem{State: common.OutboxNeedsCorrection,
			Occurrence: model.Occurrence{Requester: model.Party{Name: "Ana - 123", ChaveUnica: "123"}}}
		m.Update(common.OutboxEventMsg{Item: item, Quiet: quiet})
		v := m.View(120)
		assert.Equal(t, !quiet, strings.Contains(v, "abra Pendências"), "quiet=%v: %s", quiet, v)
	}
}
