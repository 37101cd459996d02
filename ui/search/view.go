package search

import (
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
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
	st := m.ctx.Styles
	field := st.FieldBlurred
	if m.input.Focused() {
		field = st.FieldFocused
	}
	var b strings.Builder
	b.WriteString(field.Padding(0, 1).Width(max(1, m.width-2)).Render(common.Truncate(m.input.View(), max(1, m.width-4))))
	for _, l := range m.messages() {
		b.WriteByte('\n')
		b.WriteString(l)
	}
	h := m.listHeight()
	end := min(len(m.lines), m.offset+h)
	for i := m.offset; i < end; i++ {
		b.WriteByte('\n')
		l := m.lines[i]
		if l.item == m.sel && l.item >= 0 {
			b.WriteString(l.selected)
		} else {
			b.WriteString(l.text)
		}
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
		add(st.Error.Render, i18n.UISearchError(m.err))
	case term == "":
		add(st.Dim.Render, i18n.UISearchHint)
	default:
		if m.query.InvalidCPF != "" && m.term != "" {
			add(st.Warning.Render, i18n.UISearchInvalidCPF(model.FormatCPF(m.query.InvalidCPF)))
		}
		switch {
		case len(m.items) > 0:
			text := i18n.UISearchCount(len(m.items), len(m.groups), len(m.items) >= Limit)
			if m.searching {
				text += " " + i18n.UISearching
			}
			add(st.Dim.Render, text)
		case m.searching || m.term == "":
			add(st.Dim.Render, i18n.UISearching)
		default:
			add(st.Bold.Render, i18n.UISearchNone(m.term))
		}
	}
	if limit := max(0, m.height-inputHeight-1); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// listHeight is how many list lines fit under the field and the messages.
func (m *Model) listHeight() int {
	return max(0, m.height-inputHeight-len(m.messages()))
}

// render pre-renders every list line for the current results and width.
func (m *Model) render() {
	m.lines = m.lines[:0]
	if m.width <= 0 {
		return
	}
	st := m.ctx.Styles
	idx := 0
	for _, g := range m.groups {
		header := i18n.UIContractHeader(g.Contract.Number, g.Contract.Description)
		m.lines = append(m.lines, line{item: -1, text: st.GroupHeader.Render(common.Truncate("▌ "+header, m.width))})
		for _, it := range g.Matches {
			m.lines = append(m.lines, m.renderItem(idx, it)...)
			idx++
		}
	}
	m.scrollToSelection()
}

// renderItem renders one beneficiary as one line (wide) or two (narrow), plain and selected.
func (m *Model) renderItem(idx int, it model.Match) []line {
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
	w := m.width
	if w >= wideRow {
		// "  name…  cpf(14)  card(21)  nasc. dd/mm/aaaa(16)  badge"
		fixed := 2 + 2 + 14 + 2 + 21 + 2 + 16 + 2 + badgeCol
		nameW := min(max(10, w-fixed), 48)
		rest := "  " + common.PadRight(cpf, 14) + "  " + common.PadRight(card, 21) + "  " + common.PadRight(birth, 16) + "  "
		name := common.PadRight(b.Name, nameW)
		return []line{{
			item:     idx,
			text:     common.Truncate("  "+st.Bold.Render(name)+rest+badge, w),
			selected: common.Truncate(st.Selected.Render("▸ "+name+rest)+badge, w),
		}}
	}
	nameW := max(1, w-2-1-bw)
	first := common.PadRight(b.Name, nameW)
	var parts []string
	for _, p := range []string{cpf, card, birth} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	second := common.Truncate("    "+strings.Join(parts, " · "), w)
	return []line{
		{item: idx, text: "  " + st.Bold.Render(first) + " " + badge, selected: st.Selected.Render("▸ "+first+" ") + badge},
		{item: idx, text: st.Dim.Render(second), selected: st.Selected.Render(common.PadRight(second, w))},
	}
}

// scrollToSelection keeps the selected item (and its contract header, when it is the group's first) in view.
func (m *Model) scrollToSelection() {
	h := m.listHeight()
	if h <= 0 || len(m.lines) == 0 {
		m.offset = 0
		return
	}
	first, last := -1, -1
	for i, l := range m.lines {
		if l.item == m.sel {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		m.offset = 0
		return
	}
	if first > 0 && m.lines[first-1].item == -1 {
		first-- // show the contract header with its first member
	}
	if first < m.offset {
		m.offset = first
	}
	if last >= m.offset+h {
		m.offset = last - h + 1
	}
	m.offset = min(max(m.offset, 0), max(0, len(m.lines)-h))
}
