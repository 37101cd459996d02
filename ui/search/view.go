package search

import (
	"slices"
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/fieldset"
	"github.com/balcao/balcao/ui/components/list"
)

// wideRow is the width from which a result fits on one line.
const wideRow = 120

// badgeCol is the widest situation badge ("Bloqueio Futuro" with its padding), so columns line up.
const badgeCol = 17

// inputHeight is the bordered search field.
const inputHeight = 3

// View draws the field, what the search found (or what to try), and the visible part of the list.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(fieldset.Box(m.ctx.Styles, m.input.View(), m.input.Focused(), m.width))
	for _, l := range m.messages() {
		b.WriteByte('\n')
		b.WriteString(l)
	}
	if rows := m.list.View(); rows != "" {
		b.WriteByte('\n')
		b.WriteString(rows)
	}
	return common.Fit(b.String(), m.width, m.height)
}

// messages are the lines between the field and the list: a hint, a warning, "nothing found", the count.
func (m *Model) messages() []string {
	st := m.ctx.Styles
	var out []string
	add := func(style func(...string) string, text string) {
		for _, l := range common.WrapWords(text, m.width-1) {
			out = append(out, " "+style(l))
		}
	}
	term := strings.TrimSpace(m.input.Value())
	switch {
	case m.err != "":
		add(st.Error.Render, m.err)
	case term == "":
		add(st.Dim.Render, i18n.UISearchHint)
	default:
		if m.query.InvalidCPF != "" && m.term != "" {
			add(st.Warning.Render, i18n.UISearchInvalidCPF(model.FormatCPF(m.query.InvalidCPF)))
		}
		if n := partialCPF(term); n > 0 && len(m.items) == 0 {
			add(st.Warning.Render, i18n.UISearchPartialCPF(n))
		}
		switch {
		case len(m.items) > 0 && m.fallback.asked:
			add(st.Warning.Render, i18n.UISearchFromTOTVS(len(m.items)))
		case len(m.items) > 0:
			text := i18n.UISearchCountN(len(m.items), len(m.groups), len(m.items) >= Limit)
			if m.searching {
				text += " " + i18n.UISearching
			}
			if pos := m.position(); pos != "" {
				text += " · " + pos
			}
			add(st.Dim.Render, text)
		case m.searching || m.term == "":
			add(st.Dim.Render, i18n.UISearching)
		case m.fallback.asking:
			add(st.Dim.Render, i18n.UISearchAskingTOTVS)
		case m.fallback.err != "":
			add(st.Error.Render, i18n.UISearchTOTVSFailed(m.term, m.fallback.err))
		case m.fallback.asked:
			add(st.Bold.Render, i18n.UISearchNoneAnywhere(m.term))
		default:
			add(st.Bold.Render, i18n.UISearchNone(m.term))
		}
	}
	if limit := max(0, m.height-inputHeight-1); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// position says which results are in view when they do not all fit ("" when they do).
func (m *Model) position() string {
	if _, ok := m.list.Position(); !ok {
		return ""
	}
	from, to := m.list.VisibleItems()
	return i18n.UISearchPosition(from+1, to, len(m.items))
}

// partialCPF is how many digits a CPF being typed still lacks: the term is only digits (with the CPF's dots and
// hyphen), 3 to 10 of them; 0 otherwise.
func partialCPF(term string) int {
	if strings.Trim(term, "0123456789.-") != "" {
		return 0
	}
	d := len(model.Digits(term))
	if d < 3 || d > 10 || strings.HasPrefix(term, "9") && d >= 8 { // 8–9 digits from 9: a phone without DDD
		return 0
	}
	return 11 - d
}

// phoneMatch is the person's phone when the search found them by it ("" otherwise).
func (m *Model) phoneMatch(b model.Beneficiary) string {
	for _, id := range m.query.IDs {
		if !slices.Contains(id.Kinds, model.IDPhone) || b.Phone == "" {
			continue
		}
		qf, ql := model.PhoneKeys(id.Value)
		bf, bl := model.PhoneKeys(b.Phone)
		if qf == bf || ql == bl || qf == bl {
			return i18n.UISearchByPhone(model.FormatPhone(b.Phone))
		}
	}
	return ""
}

// listHeight is how many list lines fit under the field and the messages.
func (m *Model) listHeight() int {
	return max(0, m.height-inputHeight-len(m.messages()))
}

// layoutList gives the list what is left under the field and the messages.
func (m *Model) layoutList() { m.list.SetSize(m.width, m.listHeight()) }

// render pre-renders every list row for the current results and width.
func (m *Model) render() {
	var rows []list.Row
	if m.width > 0 {
		st := m.ctx.Styles
		idx := 0
		for _, g := range m.groups {
			header := i18n.UIContractHeader(g.Contract.Number, g.Contract.Description)
			if len(g.Matches) > 0 && g.Matches[0].Origin == model.OriginTOTVS && g.Contract.Number == "" {
				header = i18n.UISearchTOTVSGroup
			}
			rows = append(rows, list.Row{Item: list.Header, Text: st.GroupHeader.Render(common.Truncate("▌ "+header, m.width))})
			for _, it := range g.Matches {
				rows = append(rows, m.renderItem(idx, it)...)
				idx++
			}
		}
	}
	m.layoutList()
	m.list.SetRows(rows)
}

// renderItem renders one beneficiary as one row (wide) or two (narrow), plain and selected.
func (m *Model) renderItem(idx int, it model.Match) []list.Row {
	st := m.ctx.Styles
	b := it.Beneficiary
	badge := common.Badge(st, b.Situation)
	bw := common.Width(badge)
	cpf := model.FormatCPF(b.CPF)
	card := model.FormatCard(b.Card)
	birth := ""
	if d := common.DateBR(b.BirthDate); d != "" {
		birth = i18n.UIBornOn + " " + d
	}
	why := m.phoneMatch(b)
	if it.Origin == model.OriginTOTVS {
		why = strings.TrimPrefix(why+" · "+i18n.UISearchFromTOTVSMark, " · ")
	}
	w := m.width
	if w >= wideRow {
		// "  name…  cpf(14)  card(21)  nasc. dd/mm/aaaa(16)  badge"
		fixed := 2 + 2 + 14 + 2 + 21 + 2 + 16 + 2 + badgeCol
		nameW := min(max(10, w-fixed), 48)
		rest := "  " + common.PadRight(cpf, 14) + "  " + common.PadRight(card, 21) + "  " + common.PadRight(birth, 16) + "  "
		name := b.Name
		if why != "" {
			name += " · " + why
		}
		name = common.PadRight(name, nameW)
		return []list.Row{{
			Item:     idx,
			Text:     common.Truncate("  "+st.Bold.Render(name)+rest+badge, w),
			Selected: common.Truncate(st.Selected.Render("▸ "+name+rest)+badge, w),
		}}
	}
	nameW := max(1, w-2-1-bw)
	first := common.PadRight(b.Name, nameW)
	var parts []string
	for _, p := range []string{why, cpf, card, birth} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	second := common.Truncate("    "+strings.Join(parts, " · "), w)
	return []list.Row{
		{Item: idx, Text: "  " + st.Bold.Render(first) + " " + badge, Selected: st.Selected.Render("▸ "+first+" ") + badge},
		{Item: idx, Text: st.Dim.Render(second), Selected: st.Selected.Render(common.PadRight(second, w))},
	}
}
