package beneficiary

import (
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// The clean* functions make what the directory, TOTVS and Mosia send safe to draw: no tab, line break or control
// character (an escape sequence in a name would otherwise reach the attendant's terminal). Each returns a copy.

func cleanBeneficiary(b model.Beneficiary) model.Beneficiary {
	b.Name, b.Situation, b.Phone, b.Email = common.Clean(b.Name), common.Clean(b.Situation), common.Clean(b.Phone), common.Clean(b.Email)
	b.Contracts = append([]model.ContractRef(nil), b.Contracts...)
	for i := range b.Contracts {
		b.Contracts[i].Number = common.Clean(b.Contracts[i].Number)
		b.Contracts[i].Description = common.Clean(b.Contracts[i].Description)
	}
	return b
}

func cleanContract(c *model.Contract) *model.Contract {
	if c == nil {
		return nil
	}
	out := *c
	for _, p := range []*string{&out.Name, &out.SocialName, &out.MotherName, &out.Situation, &out.BlockReason,
		&out.Plan, &out.Company, &out.Number, &out.Subcontract, &out.BlockDate, &out.BirthDate} {
		*p = common.Clean(*p)
	}
	out.Sections = make([]model.Section, len(c.Sections))
	for i, s := range c.Sections {
		fs := make([]model.Field, len(s.Fields))
		for j, f := range s.Fields {
			fs[j] = model.Field{Label: common.Clean(f.Label), Value: common.Clean(f.Value)}
		}
		out.Sections[i] = model.Section{Title: common.Clean(s.Title), Fields: fs}
	}
	return &out
}

func cleanFamily(f *model.Family) *model.Family {
	if f == nil {
		return nil
	}
	out := &model.Family{Members: make([]model.FamilyMember, len(f.Members))}
	for i, x := range f.Members {
		out.Members[i] = model.FamilyMember{Card: common.Clean(x.Card), Name: common.Clean(x.Name),
			Kinship: common.Clean(x.Kinship), Situation: common.Clean(x.Situation)}
	}
	return out
}

func cleanClasses(g *model.GraceClasses) *model.GraceClasses {
	if g == nil {
		return nil
	}
	out := *g
	out.Items = make([]model.GraceClass, len(g.Items))
	for i, c := range g.Items {
		for _, p := range []*string{&c.Code, &c.Description, &c.End, &c.Status, &c.PrevEnd, &c.PrevStatus, &c.CurEnd, &c.CurStatus} {
			*p = common.Clean(*p)
		}
		out.Items[i] = c
	}
	return &out
}

func cleanGroups(g *model.GraceGroups) *model.GraceGroups {
	if g == nil {
		return nil
	}
	out := *g
	out.Items = make([]model.GraceGroup, len(g.Items))
	for i, x := range g.Items {
		out.Items[i] = model.GraceGroup{Code: common.Clean(x.Code), Description: common.Clean(x.Description),
			Date: common.Clean(x.Date), Status: common.Clean(x.Status)}
	}
	return &out
}

func cleanProtocols(ps []model.Protocol) []model.Protocol {
	out := make([]model.Protocol, len(ps))
	for i, p := range ps {
		p.Number, p.Subject = common.Clean(p.Number), common.Clean(p.Subject)
		p.Type.Name, p.Status.Name = common.Clean(p.Type.Name), common.Clean(p.Status.Name)
		p.Requester.Name, p.Beneficiary.Name = common.Clean(p.Requester.Name), common.Clean(p.Beneficiary.Name)
		out[i] = p
	}
	return out
}

func cleanAuthorizations(as []model.Authorization) []model.Authorization {
	out := make([]model.Authorization, len(as))
	for i, a := range as {
		for _, p := range []*string{&a.ID, &a.Guide, &a.Date, &a.ProviderCode, &a.Provider, &a.TypeCode, &a.Type,
			&a.PhaseCode, &a.Phase, &a.StatusCode, &a.Status, &a.Procedure} {
			*p = common.Clean(*p)
		}
		fs := make([]model.Field, len(a.Fields))
		for j, f := range a.Fields {
			fs[j] = model.Field{Label: common.Clean(f.Label), Value: common.Clean(f.Value)}
		}
		a.Fields = fs
		out[i] = a
	}
	return out
}

func cleanBilling(b *model.Billing) *model.Billing {
	if b == nil {
		return nil
	}
	out := *b
	out.Collection, out.Title = common.Clean(b.Collection), common.Clean(b.Title)
	out.Members = make([]model.BillingMember, len(b.Members))
	for i, mem := range b.Members {
		mem.Card, mem.Name = common.Clean(mem.Card), common.Clean(mem.Name)
		items := make([]model.BillingItem, len(mem.Items))
		for j, it := range mem.Items {
			it.Code, it.Description = common.Clean(it.Code), common.Clean(it.Description)
			items[j] = it
		}
		mem.Items = items
		out.Members[i] = mem
	}
	return &out
}
