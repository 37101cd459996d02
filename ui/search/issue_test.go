package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
)

// A mobile number typed without DDD or hyphen finds its person, and the result says it matched by phone.
func TestMobileWithoutDDDAndWhyItMatched(t *testing.T) {
	m := newScreen(t, 300, 100, 30)
	typeAndSearch(t, m, "997981966")
	require.NotEmpty(t, m.Results(), "997981966 is Patrick's mobile")
	assert.Equal(t, uitest.SeedPatrickCard, m.Results()[0].Beneficiary.Card)
	assert.Contains(t, flat(m.View()), "pelo telefone (27) 99798-1966")
}

// pt-BR plurals in the count, and a partial CPF says how many digits are missing.
func TestCountPluralsAndPartialCPF(t *testing.T) {
	m := newScreen(t, 300, 100, 30)
	typeAndSearch(t, m, "hernandes alves")
	assert.Contains(t, flat(m.View()), "1 resultado em 1 contrato.")
	typeAndSearch(t, m, " silva")
	assert.NotContains(t, flat(m.View()), "(s)")

	m = newScreen(t, 300, 100, 30)
	typeAndSearch(t, m, "235.764.8")
	assert.Contains(t, flat(m.View()), "Faltam 4 dígitos para um CPF completo.")
}

// Scrolled results keep their contract's title on the first line and say which are in view; PgDn moves a page
// of two-row results, not a page of rows; g/G go to the ends; n opens the form for the selected person.
func TestScrolledResultsKeepTheirHeader(t *testing.T) {
	m := newScreen(t, 2000, 80, 16)
	typeAndSearch(t, m, "silva")
	require.Greater(t, len(m.Results()), 10)
	m.Update(uitest.Key("esc"))
	m.Update(uitest.Key("G"))
	lines := strings.Split(plain(m.View()), "\n")
	top := lines[len(lines)-m.list.Height()]
	assert.True(t, strings.HasPrefix(top, "▌ "), "the first row in view is a contract title: %q", top)
	assert.Contains(t, flat(m.View()), "de "+itoa(len(m.Results())))

	m.Update(uitest.Key("g"))
	assert.Equal(t, 0, m.list.Selected())
	m.Update(uitest.Key("pgdown"))
	per := max(1, (m.list.Height()-1)/2)
	assert.Equal(t, per, m.list.Selected(), "a page of two-row items")

	_, cmd := m.Update(uitest.Key("n"))
	require.NotNil(t, cmd)
	msg, ok := cmd().(common.NewOccurrenceMsg)
	require.True(t, ok, "n opens the form for the selected person")
	sel, _ := m.Selected()
	assert.Equal(t, sel.Beneficiary.Card, msg.Beneficiary.Card)
}

func itoa(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
