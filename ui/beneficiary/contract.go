package beneficiary

import (
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// twoColumns is the width from which the Contrato tab lays fields out in two columns.
const twoColumns = 120

// contractLines renders the sections: titled, label column aligned, empty values dimmed.
func (m *Model) contractLines() []string {
	var secs []model.Section
	if m.data != nil && len(m.data.Sections) > 0 {
		secs = append([]model.Section{m.mainSection()}, m.data.Sections...)
	}
	if len(secs) == 0 {
		return []string{" " + m.ctx.Styles.Dim.Render(i18n.UIContractEmpty)}
	}
	ncol := 1
	if m.width >= twoColumns {
		ncol = 2
	}
	colW := (m.width - 1) / ncol
	labelW := 0
	for _, s := range secs {
		for _, f := range s.Fields {
			labelW = max(labelW, len([]rune(f.Label)))
		}
	}
	labelW = min(labelW, max(10, colW/3), 28)
	var out []string
	for i, s := range secs {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, m.sectionLines(s, ncol, colW, labelW)...)
	}
	return out
}

// sectionLines is a section's title and its fields in ncol columns, filled column by column so that reading goes down.
func (m *Model) sectionLines(s model.Section, ncol, colW, labelW int) []string {
	out := []string{" " + m.ctx.Styles.Section.Render(s.Title)}
	rows := (len(s.Fields) + ncol - 1) / ncol
	for r := 0; r < rows; r++ {
		line := " "
		for c := 0; c < ncol; c++ {
			idx := c*rows + r
			if idx >= len(s.Fields) {
				break
			}
			if c > 0 {
				line += "  "
			}
			line += m.fieldCell(s.Fields[idx], colW, labelW)
		}
		out = append(out, line)
	}
	return out
}

// fieldCell is one field, label and value, padded to its column.
func (m *Model) fieldCell(f model.Field, colW, labelW int) string {
	st := m.ctx.Styles
	v := st.Value.Render(f.Value)
	if f.Value == "" {
		v = st.EmptyValue.Render(i18n.UIEmpty)
	}
	return common.PadRight(st.Label.Render(common.PadRight(f.Label, labelW))+"  "+v, colW-2)
}

// mainSection is what the attendant looks for first — plan, situation and block, contract, company — ahead of the
// TOTVS's full field list (which follows, complete).
func (m *Model) mainSection() model.Section {
	d := m.data
	sec := model.Section{Title: i18n.UIContractMain}
	add := func(label, value string) {
		if value != "" {
			sec.Fields = append(sec.Fields, model.Field{Label: label, Value: value})
		}
	}
	add(i18n.UISumPlan, d.Plan)
	add(i18n.UISumSituation, m.situationText())
	number := d.Number
	if number == "" {
		number = m.contract.Number
	}
	add(i18n.UISumContract, strings.TrimSpace(number+" "+m.contract.Description))
	add(i18n.UIContractCompany, d.Company)
	add(i18n.UIContractSubcontract, d.Subcontract)
	return sec
}

// situationText is the situation with the block date and reason when blocked.
func (m *Model) situationText() string {
	situation := m.ben.Situation
	if m.data == nil {
		return situation
	}
	if m.data.Situation != "" {
		situation = m.data.Situation
	}
	if m.data.BlockDate == "" && m.data.BlockReason == "" {
		return situation
	}
	return i18n.UISumBlocked(situation, common.DateBR(m.data.BlockDate), m.data.BlockReason)
}
