package beneficiary

import (
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// twoColumns is the width from which the Contrato tab lays fields out in two columns.
const twoColumns = 150

// contractLines renders the sections: titled, label column aligned, empty values dimmed.
func (m *Model) contractLines() []string {
	var secs []model.Section
	if m.data != nil {
		secs = m.data.Sections
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
