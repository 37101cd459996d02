package totvs

import (
	"sort"
	"strconv"
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Model converts the contract answer: its main facts read from the Protheus columns that hold them, and
// every field laid out in sections (see sections).
func (c *Contract) Model() *model.Contract {
	str := func(key string) string {
		v, _ := lookupField(c.Fields, key)
		return strings.TrimSpace(RenderField(FieldStruct{}, v))
	}
	rendered := func(key string) string { // through its struct: a combo box code becomes its description
		for _, st := range c.Struct {
			if strings.EqualFold(st.Field, key) && st.Type != "D" {
				v, _ := lookupField(c.Fields, st.Field)
				return strings.TrimSpace(RenderField(st, v))
			}
		}
		return str(key)
	}
	out := &model.Contract{
		Card:        model.Digits(str("card")),
		CPF:         model.Digits(str("ba1_cpfusr")),
		Name:        str("ba1_nomusr"),
		SocialName:  str("ba1_nomsoc"),
		BirthDate:   isoDate(str("ba1_datnas")),
		MotherName:  str("ba1_mae"),
		Situation:   str("situation"),
		BlockDate:   isoDate(str("ba1_datblo")),
		BlockReason: rendered("ba1_motblo"),
		Plan:        firstOf(str("bi3_descri"), str("ba1_codpla")),
		Company:     str("ba3_desemp"),
		Number:      str("ba3_conemp"),
		Subcontract: str("ba3_dessub"),
		Sections:    c.sections(),
	}
	return out
}

// isoDate is a TOTVS date as YYYY-MM-DD, or the text as it came when it is no date.
func isoDate(s string) string {
	if t, ok := model.ParseDate(s); ok {
		return t.Format("2006-01-02")
	}
	return s
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// structEntry is a struct entry with its position in the answer (the tie-break of its order).
type structEntry struct {
	st  FieldStruct
	pos int
}

// sections lays the contract out: fields grouped by folder (folder order), titled by struct, ordered by
// struct.order then struct order, rendered by picture/cbox; fields of unknown folders under "Outros"; fields
// without struct last, labelled by their key.
func (c *Contract) sections() []model.Section {
	folderIdx := make(map[string]int, len(c.Folders))
	secs := make([]model.Section, 0, len(c.Folders)+2)
	for _, f := range c.Folders {
		if _, dup := folderIdx[f.ID]; dup {
			continue
		}
		folderIdx[f.ID] = len(secs)
		secs = append(secs, model.Section{Title: firstOf(strings.TrimSpace(f.Title), i18n.UIOtherFields)})
	}
	byFolder := map[int][]structEntry{}
	var others []structEntry
	used := map[string]bool{}
	for i, st := range c.Struct {
		key := strings.ToLower(strings.TrimSpace(st.Field))
		if key == "" || used[key] {
			continue
		}
		used[key] = true
		if idx, ok := folderIdx[st.Folder]; ok {
			byFolder[idx] = append(byFolder[idx], structEntry{st, i})
		} else {
			others = append(others, structEntry{st, i})
		}
	}
	for i := range secs {
		secs[i].Fields = c.renderEntries(byFolder[i])
	}
	out := secs[:0]
	for _, s := range append(secs, model.Section{Title: i18n.UIOtherFields, Fields: c.renderEntries(others)}, c.extraSection(used)) {
		if len(s.Fields) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// renderEntries orders struct entries (those with an order first, by it, then by position) and renders them.
func (c *Contract) renderEntries(es []structEntry) []model.Field {
	sort.SliceStable(es, func(a, b int) bool {
		oa, okA := orderOf(es[a].st.Order)
		ob, okB := orderOf(es[b].st.Order)
		if okA != okB {
			return okA
		}
		if okA && oa != ob {
			return oa < ob
		}
		return es[a].pos < es[b].pos
	})
	out := make([]model.Field, 0, len(es))
	for _, e := range es {
		v, _ := lookupField(c.Fields, e.st.Field)
		label := firstOf(strings.TrimSpace(e.st.Title), strings.TrimSpace(e.st.Description), e.st.Field)
		out = append(out, model.Field{Label: label, Value: strings.TrimSpace(RenderField(e.st, v))})
	}
	return out
}

// extraSection holds the fields no struct entry describes, by key; the two TOTVS documents outside SX3 (card and
// situation) get their labels.
func (c *Contract) extraSection(used map[string]bool) model.Section {
	var keys []string
	for k := range c.Fields {
		if !used[strings.ToLower(k)] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	extra := model.Section{Title: i18n.UIExtraFields}
	for _, k := range keys {
		label, value := k, strings.TrimSpace(RenderField(FieldStruct{}, c.Fields[k]))
		switch strings.ToLower(k) {
		case "card":
			label, value = i18n.UIContractCard, model.FormatCard(value)
		case "situation":
			label = i18n.UIContractSituation
		}
		extra.Fields = append(extra.Fields, model.Field{Label: label, Value: value})
	}
	return extra
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

// Model converts the family answer.
func (f *Family) Model() *model.Family {
	out := &model.Family{Members: make([]model.FamilyMember, 0, len(f.Beneficiaries))}
	for _, b := range f.Beneficiaries {
		out.Members = append(out.Members, model.FamilyMember{Card: strings.TrimSpace(b.Card), Name: strings.TrimSpace(b.Name),
			Kinship: strings.TrimSpace(b.Kinship), Situation: strings.TrimSpace(b.Situation)})
	}
	return out
}

// Model converts the grace classes answer (pages merged).
func (g *GracePeriodClasses) Model() *model.GraceClasses {
	out := &model.GraceClasses{Transfer: g.BeneficiaryTransfer, More: g.HasNext, Items: make([]model.GraceClass, 0, len(g.Items))}
	for _, c := range g.Items {
		out.Items = append(out.Items, model.GraceClass{Code: c.ClassCode, Description: c.Description,
			End: isoDate(c.FinalDate), Status: c.Status, PrevEnd: isoDate(c.FinalDatePrevious), PrevStatus: c.StatusPrevious,
			CurEnd: isoDate(c.FinalDateCurrent), CurStatus: c.StatusCurrent})
	}
	return out
}

// Model converts the grace groups answer (pages merged).
func (g *GracePeriodGroups) Model() *model.GraceGroups {
	out := &model.GraceGroups{More: g.HasNext, Items: make([]model.GraceGroup, 0, len(g.Items))}
	for _, it := range g.Items {
		out.Items = append(out.Items, model.GraceGroup{Code: it.GroupCode, Description: it.Description,
			Date: isoDate(it.Date), Status: it.Status})
	}
	return out
}
