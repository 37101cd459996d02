package totvs

import (
	"sort"
	"strings"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Column names of an authorization guide the console summarises (lower-case, as items carry them).
const (
	colLocal     = "bd5_codldp"
	colPEG       = "bd5_codpeg"
	colNumber    = "bd5_numero"
	colDate      = "bd5_datpro"
	colProvCode  = "bd5_codrda"
	colProvider  = "bd5_nomrda"
	colType      = "bd5_tipgui"
	colPhase     = "bd5_fase"
	colStatus    = "bd5_situac"
	colTypeDesc  = "bcl_descri"
	colAuthID    = "authorizationid"
	colProcedure = "bd6_despro"
)

// procedureKeys are where a guide's procedure description may be: the vendor's example has none, so the event's
// description (BD6_DESPRO), the procedure table's (BR8_DESCRI) and plain names are tried in order.
var procedureKeys = []string{colProcedure, "br8_descri", "procedure", "proceduredescription"}

// Model converts one page of authorizations (page is the page asked, size the page size asked).
func (a *Authorizations) Model(page, size int) *model.Authorizations {
	out := &model.Authorizations{Page: page, PageSize: size, More: a.HasNext, Remaining: a.RemainingRecords,
		Items: make([]model.Authorization, 0, len(a.Items))}
	for _, it := range a.Items {
		out.Items = append(out.Items, a.guide(it))
	}
	return out
}

// guide converts one guide: its summary, then every field titled by the struct.
func (a *Authorizations) guide(it map[string]any) model.Authorization {
	raw := func(key string) string {
		v, _ := lookupField(it, key)
		return strings.TrimSpace(RenderField(FieldStruct{}, v))
	}
	words := func(key string) string { // through the struct's combo box when it has one
		if st, ok := a.structOf(key); ok && len(st.CBox) > 0 {
			v, _ := lookupField(it, key)
			return strings.TrimSpace(RenderField(st, v))
		}
		return ""
	}
	g := model.Authorization{
		ID:           raw(colAuthID),
		Guide:        joinNonEmpty(".", raw(colLocal), raw(colPEG), raw(colNumber)),
		Date:         isoDate(raw(colDate)),
		ProviderCode: raw(colProvCode),
		Provider:     raw(colProvider),
		TypeCode:     raw(colType),
		PhaseCode:    raw(colPhase),
		StatusCode:   raw(colStatus),
	}
	g.Type = firstOf(raw(colTypeDesc), codeWords(words(colType), g.TypeCode, i18n.AuthGuideTypes))
	g.Phase = codeWords(words(colPhase), g.PhaseCode, i18n.AuthPhases)
	g.Status = codeWords(words(colStatus), g.StatusCode, i18n.AuthStatuses)
	g.StatusKind = authStatusKind(g.StatusCode, g.Status)
	for _, k := range procedureKeys {
		if g.Procedure = raw(k); g.Procedure != "" {
			break
		}
	}
	g.Fields = a.fields(it)
	return g
}

// structOf finds a column's struct entry.
func (a *Authorizations) structOf(key string) (FieldStruct, bool) {
	for _, st := range a.Struct {
		if strings.EqualFold(st.Field, key) {
			return st, true
		}
	}
	return FieldStruct{}, false
}

// fields lays out a guide's every field: those the struct describes in its order, titled and rendered by it, then
// the others by key (the guide type's description and the guide's key get labels of their own).
func (a *Authorizations) fields(it map[string]any) []model.Field {
	used := map[string]bool{}
	var out []model.Field
	for _, st := range a.Struct {
		key := strings.ToLower(strings.TrimSpace(st.Field))
		v, ok := lookupField(it, key)
		if !ok || used[key] {
			continue
		}
		used[key] = true
		label := firstOf(strings.TrimSpace(st.Title), strings.TrimSpace(st.Description), st.Field)
		out = append(out, model.Field{Label: label, Value: strings.TrimSpace(RenderField(st, v))})
	}
	var rest []string
	for k := range it {
		if !used[strings.ToLower(k)] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		label := k
		switch strings.ToLower(k) {
		case colTypeDesc:
			label = i18n.AuthFieldGuideType
		case colAuthID:
			label = i18n.AuthFieldKey
		}
		out = append(out, model.Field{Label: label, Value: strings.TrimSpace(RenderField(FieldStruct{}, it[k]))})
	}
	return out
}

// codeWords is the words of a code: the struct's combo box description, else the catalogue's, else "código X".
func codeWords(fromStruct, code string, catalogue map[string]string) string {
	if fromStruct != "" && fromStruct != code {
		return fromStruct
	}
	if code == "" {
		return ""
	}
	if w, ok := catalogue[code]; ok {
		return w
	}
	if w, ok := catalogue["0"+code]; ok && len(code) == 1 {
		return w
	}
	return i18n.AuthCodeUnknown(code)
}

// authStatusKind reads a guide's situation from its code (1 active, 2 cancelled, 3 blocked) or its words.
func authStatusKind(code, words string) model.AuthStatus {
	switch strings.TrimLeft(code, "0") {
	case "1":
		return model.AuthStatusActive
	case "2":
		return model.AuthStatusCancelled
	case "3":
		return model.AuthStatusBlocked
	}
	f := model.FoldText(words)
	switch {
	case strings.HasPrefix(f, "ativ"):
		return model.AuthStatusActive
	case strings.HasPrefix(f, "cancel"):
		return model.AuthStatusCancelled
	case strings.HasPrefix(f, "bloq"):
		return model.AuthStatusBlocked
	}
	return model.AuthStatusUnknown
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Model converts a month's billing (the month and kind asked; an answer wrapped in billsToBill is unwrapped).
func (b *Billing) Model(month model.Month, kind model.BillingKind) *model.Billing {
	src := b
	if b.BillsToBill != nil && len(b.Beneficiaries) == 0 && b.Amount == "" {
		src = b.BillsToBill
	}
	out := &model.Billing{Month: month, Kind: kind,
		Collection: strings.TrimSpace(src.CollectionNumber.String()), Title: strings.TrimSpace(src.Title.String()),
		Credits: money(src.Credits), Debts: money(src.Debts), FamilyAmount: money(src.FamilyAmount),
		EmployerCredits: money(src.EmployerCredits), EmployerDebts: money(src.EmployerDebts),
		EmployerAmount: money(src.EmployerAmount), Amount: money(src.Amount),
		AmountIsCredit: isCredit(src.AmountType)}
	for _, m := range src.Beneficiaries {
		bm := model.BillingMember{Card: model.Digits(m.SubscriberID.String()), Name: strings.TrimSpace(m.Name),
			Amount: money(m.Amount)}
		for _, c := range m.Compositions {
			bm.Items = append(bm.Items, model.BillingItem{Code: strings.TrimSpace(c.TypeCode.String()),
				Description: strings.TrimSpace(c.TypeDescription), Credit: isCredit(c.Type),
				Retroactive: c.Retroactive.Known && c.Retroactive.Value, Value: money(c.Value)})
		}
		out.Members = append(out.Members, bm)
	}
	return out
}

// money reads an amount; an unreadable one is zero (the raw value never reaches a sum).
func money(f client.FlexNumber) model.Money {
	m, _ := model.ParseMoney(f.String())
	return m
}

// isCredit reads a debit/credit mark: C (crédito) is a credit, anything else (D, débito, empty) a debt.
func isCredit(s string) bool {
	return strings.HasPrefix(model.FoldText(s), "c")
}

// Model converts the search answer into directory-like rows marked as the plan's. The chaveUnica is the CPF
// (the default key), "" when the plan sent none.
func (s *Search) Model() []model.Match {
	list := s.Beneficiaries
	if len(list) == 0 {
		list = s.Items
	}
	out := make([]model.Match, 0, len(list))
	for _, b := range list {
		card, ok := model.NormalizeCard(b.Card.String())
		if !ok {
			continue // a row without a usable card cannot be opened
		}
		cpf := model.Digits(b.CPF.String())
		if len(cpf) != 11 {
			cpf = ""
		}
		out = append(out, model.Match{Origin: model.OriginTOTVS, Beneficiary: model.Beneficiary{
			Card: card, Name: strings.TrimSpace(b.Name), CPF: cpf, ChaveUnica: cpf,
			BirthDate: isoDate(strings.TrimSpace(b.BirthDate)), Situation: strings.TrimSpace(b.Situation)}})
	}
	return out
}
