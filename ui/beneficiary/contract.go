package beneficiary

import (
	"sort"
	"strconv"
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// ContractField is one contract field as the Contrato tab shows it.
type ContractField struct {
	Label string
	Value string // "" when empty
}

// ContractSection is a folder of the contract (or "Outros"), with its fields in display order.
type ContractSection struct {
	Title  string
	Fields []ContractField
}

// ContractSections lays a TOTVS contract out: fields grouped by folder (folder order), titled by struct, ordered by
// struct.order then struct order, rendered by picture/cbox; fields of unknown folders under "Outros"; fields without
// struct last, labelled by their key.
func ContractSections(c *model.Contract) []ContractSection {
	if c == nil {
		return nil
	}
	folderIdx := make(map[string]int, len(c.Folders))
	sections := make([]ContractSection, 0, len(c.Folders)+2)
	for _, f := range c.Folders {
		if _, dup := folderIdx[f.ID]; dup {
			continue
		}
		folderIdx[f.ID] = len(sections)
		title := strings.TrimSpace(f.Title)
		if title == "" {
			title = i18n.UIOtherFields
		}
		sections = append(sections, ContractSection{Title: title})
	}
	other := ContractSection{Title: i18n.UIOtherFields}

	type entry struct {
		st  model.FieldStruct
		pos int
	}
	byFolder := map[int][]entry{}
	var others []entry
	used := map[string]bool{}
	for i, st := range c.Struct {
		key := strings.ToLower(strings.TrimSpace(st.Field))
		if key == "" || used[key] {
			continue
		}
		used[key] = true
		if idx, ok := folderIdx[st.Folder]; ok {
			byFolder[idx] = append(byFolder[idx], entry{st, i})
		} else {
			others = append(others, entry{st, i})
		}
	}
	render := func(es []entry) []ContractField {
		sort.SliceStable(es, func(a, b int) bool {
			oa, okA := orderOf(es[a].st.Order)
			ob, okB := orderOf(es[b].st.Order)
			if okA != okB {
				return okA // fields with an order come first
			}
			if okA && oa != ob {
				return oa < ob
			}
			return es[a].pos < es[b].pos
		})
		out := make([]ContractField, 0, len(es))
		for _, e := range es {
			v, _ := lookupField(c.Fields, e.st.Field)
			label := strings.TrimSpace(e.st.Title)
			if label == "" {
				label = strings.TrimSpace(e.st.Description)
			}
			if label == "" {
				label = e.st.Field
			}
			out = append(out, ContractField{Label: label, Value: strings.TrimSpace(model.RenderField(e.st, v))})
		}
		return out
	}
	for i := range sections {
		sections[i].Fields = render(byFolder[i])
	}
	other.Fields = render(others)

	var extraKeys []string
	for k := range c.Fields {
		if !used[strings.ToLower(k)] {
			extraKeys = append(extraKeys, k)
		}
	}
	sort.Strings(extraKeys)
	extra := ContractSection{Title: i18n.UIExtraFields}
	for _, k := range extraKeys {
		label, value := k, strings.TrimSpace(model.RenderField(model.FieldStruct{}, c.Fields[k]))
		switch strings.ToLower(k) { // the two fields TOTVS documents outside SX3
		case "card":
			label, value = i18n.UIContractCard, model.FormatCard(value)
		case "situation":
			label = i18n.UIContractSituation
		}
		extra.Fields = append(extra.Fields, ContractField{Label: label, Value: value})
	}

	out := sections[:0]
	for _, s := range sections {
		if len(s.Fields) > 0 {
			out = append(out, s)
		}
	}
	for _, s := range []ContractSection{other, extra} {
		if len(s.Fields) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// orderOf reads struct.order ("04") as a number; ok is false when it has none.
func orderOf(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// lookupField finds a struct field's value: fields keys are lower-case while struct names are upper-case.
func lookupField(fields map[string]any, name string) (any, bool) {
	if v, ok := fields[strings.ToLower(name)]; ok {
		return v, true
	}
	if v, ok := fields[name]; ok {
		return v, true
	}
	for k, v := range fields {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// twoColumns is the width from which the Contrato tab lays fields out in two columns.
const twoColumns = 150

// contractLines renders the sections: titled, label column aligned, empty values dimmed.
func (m *Model) contractLines() []string {
	st := m.ctx.Styles
	secs := ContractSections(m.data)
	if len(secs) == 0 {
		return []string{" " + st.Dim.Render(i18n.UIContractEmpty)}
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
	cell := func(f ContractField) string {
		v := st.Value.Render(f.Value)
		if f.Value == "" {
			v = st.EmptyValue.Render(i18n.UIEmpty)
		}
		return common.PadRight(st.Label.Render(common.PadRight(f.Label, labelW))+"  "+v, colW-2)
	}
	var out []string
	for i, s := range secs {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, " "+st.Section.Render(s.Title))
		rows := (len(s.Fields) + ncol - 1) / ncol
		for r := 0; r < rows; r++ {
			line := " "
			for c := 0; c < ncol; c++ {
				idx := c*rows + r // fill column by column, so reading goes down
				if idx >= len(s.Fields) {
					break
				}
				if c > 0 {
					line += "  "
				}
				line += cell(s.Fields[idx])
			}
			out = append(out, line)
		}
	}
	return out
}
