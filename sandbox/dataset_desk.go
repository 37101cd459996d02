package sandbox

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
)

// guideKind is a kind of authorization guide: its BD5_TIPGUI, its BCL description, its table alias in the
// guide's key, its share of the guides and the procedures it holds.
type guideKind struct {
	code, description, alias string
	weight                   int
	procedures               []string
}

var guideKinds = []guideKind{
	{"01", "GUIA DE CONSULTA", "BD5", 50, []string{"CONSULTA EM CONSULTORIO", "CONSULTA EM PRONTO SOCORRO",
		"CONSULTA PEDIATRICA", "CONSULTA OFTALMOLOGICA"}},
	{"02", "GUIA DE SP_SADT", "BEA", 35, []string{"HEMOGRAMA COMPLETO", "GLICOSE", "RESSONANCIA MAGNETICA DE CRANIO",
		"ULTRASSONOGRAFIA DE ABDOME TOTAL", "RAIO X DE TORAX PA E PERFIL", "TOMOGRAFIA DE TORAX", "SESSAO DE FISIOTERAPIA",
		"ELETROCARDIOGRAMA"}},
	{"03", "GUIA DE SOL. INTERNACAO", "BE4", 15, []string{"INTERNACAO CLINICA", "COLECISTECTOMIA POR VIDEO",
		"PARTO CESARIANO", "APENDICECTOMIA"}},
}

// providers are fictional accredited providers (BD5_CODRDA, BD5_NOMRDA).
var providers = []struct{ code, name string }{{"000004", "HOSPITAL BOM CLIMA"}, {"000011", "CLINICA SAO LUCAS"},
	{"000023", "LABORATORIO VIDA DIAGNOSTICOS"}, {"000037", "CENTRO DE IMAGEM PRAIA DA COSTA"},
	{"000052", "DRA. HELENA MARTINS PEDIATRIA"}, {"000068", "HOSPITAL SANTA MONICA"}, {"000071", "FISIOCLINICA VILA NOVA"}}

// authStruct is the SX3 structure the sandbox answers with the guides: the vendor's example's first columns,
// then the type, phase and situation (with the Protheus combo boxes) and the event's procedure description.
var authStruct = []totvs.FieldStruct{
	{Field: "BD5_CODLDP", Type: "C", Title: "Cd.Local Dig", Description: "Codigo Local Digitacao", Picture: "@!", Size: 4, CBox: totvs.CBox{}},
	{Field: "BD5_CODPEG", Type: "C", Title: "Código PEG", Description: "Codigo PEG", Picture: "@!", Size: 8, CBox: totvs.CBox{}},
	{Field: "BD5_NUMERO", Type: "C", Title: "Número", Description: "Numero da Movimentacao", Picture: "@!", Size: 8, CBox: totvs.CBox{}},
	{Field: "BD5_DATPRO", Type: "D", Title: "Data Evento", Description: "Data Evento", Picture: "", Size: 8, CBox: totvs.CBox{}},
	{Field: "BD5_CODRDA", Type: "C", Title: "Cd.Cred/Coop", Description: "Cod. Credenc", Picture: "@!", Size: 6, CBox: totvs.CBox{}},
	{Field: "BD5_NOMRDA", Type: "C", Title: "Nm.Cred/Coop", Description: "credenciado", Picture: "@!", Size: 40, CBox: totvs.CBox{}},
	{Field: "BD5_TIPGUI", Type: "C", Title: "Tipo Guia", Description: "Tipo da Guia", Picture: "@!", Size: 2, CBox: totvs.CBox{}},
	{Field: "BD5_FASE", Type: "C", Title: "Fase", Description: "Fase", Picture: "@!", Size: 1, CBox: totvs.CBox{
		{Value: "1", Description: "Digitacao"}, {Value: "2", Description: "Conferencia"}, {Value: "3", Description: "Pronta"},
		{Value: "4", Description: "Faturada"}}},
	{Field: "BD5_SITUAC", Type: "C", Title: "Situacao", Description: "Situacao", Picture: "@!", Size: 1, CBox: totvs.CBox{
		{Value: "1", Description: "Ativo"}, {Value: "2", Description: "Cancelado"}, {Value: "3", Description: "Bloqueado"}}},
	{Field: "BD6_DESPRO", Type: "C", Title: "Desc. Proc.", Description: "Desc Proc.", Picture: "@!", Size: 80, CBox: totvs.CBox{}},
}

// AuthorizationStruct is the SX3 structure of the guides the sandbox serves.
func AuthorizationStruct() []totvs.FieldStruct { return slices.Clone(authStruct) }

// Authorizations returns every authorization guide of a card, newest first, as the plan's items (lower-case
// columns); the seed card TOTVS's examples use has two dozen, spread over two years.
func (d *Dataset) Authorizations(card string) ([]map[string]any, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return nil, false
	}
	r := newRNG(d.seed, saltAuth, uint64(p.index))
	n := []int{0, 1, 2, 3, 4, 6, 8, 10, 12, 15}[r.intn(10)]
	if p.card == SeedHernandesCard {
		n = 24
	}
	unpadded := r.chance(0.2) // TOTVS quirk: dates like 2022-11-1
	weights := newWeighted(guideKinds[0].code, guideKinds[0].weight, guideKinds[1].code, guideKinds[1].weight,
		guideKinds[2].code, guideKinds[2].weight)
	out := make([]map[string]any, 0, n)
	daysAgo := r.between(0, 6)
	for k := 0; k < n; k++ {
		at := d.now.AddDate(0, 0, -daysAgo)
		if at.Before(p.inclusion) {
			break
		}
		out = append(out, d.guide(r, p, k, at, daysAgo, weights.pick(r), unpadded))
		daysAgo += r.between(3, 35)
	}
	return out, true
}

// guide draws one guide of p at date at.
func (d *Dataset) guide(r *rng, p person, k int, at time.Time, daysAgo int, typ string, unpadded bool) map[string]any {
	var g guideKind
	for _, gk := range guideKinds {
		if gk.code == typ {
			g = gk
		}
	}
	prov := providers[r.intn(len(providers))]
	peg := fmt.Sprintf("%08d", 400+(p.index%5000)*8+k)
	num := fmt.Sprintf("%08d", 1+r.intn(40))
	phase := "4"
	switch {
	case daysAgo < 3:
		phase = "1"
	case daysAgo < 10:
		phase = []string{"2", "3"}[r.intn(2)]
	case daysAgo < 45:
		phase = "3"
	}
	status := "1"
	if x := r.intn(100); x < 7 {
		status = "2"
	} else if x < 10 {
		status = "3"
	}
	date := at.Format(time.DateOnly)
	if unpadded {
		date = fmt.Sprintf("%d-%d-%d", at.Year(), at.Month(), at.Day())
	}
	return map[string]any{"bd5_codldp": "0001", "bd5_codpeg": peg, "bd5_numero": num, "bd5_datpro": date,
		"bd5_codrda": prov.code, "bd5_nomrda": prov.name, "bd5_tipgui": g.code, "bd5_fase": phase,
		"bd5_situac": status, "bcl_descri": g.description, "bd6_despro": g.procedures[r.intn(len(g.procedures))],
		"authorizationid": g.alias + "-" + codInt + "0001" + peg + num}
}

// Billing composition types the sandbox draws (BFQ-like codes; the plan's catalogue is its own).
var (
	compMonthly  = [2]string{"101", "MENSALIDADE"}
	compCopay    = [2]string{"117", "COPARTICIPACAO"}
	compRetro    = [2]string{"130", "REAJUSTE RETROATIVO"}
	compDiscount = [2]string{"150", "DESCONTO PAGAMENTO EM DIA"}
)

// employerShare is the part of company members' monthly fees their employer pays.
const employerShare = 0.6

// Billing returns the family's billing of a month of the card: what is to be billed for the current month, what
// was billed for earlier ones (since the family's inclusion); anything else is an answer with nothing in it.
func (d *Dataset) Billing(card string, month model.Month, kind model.BillingKind) (totvs.Billing, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return totvs.Billing{}, false
	}
	current := model.MonthOfDate(d.now) // both calendar days at midnight UTC
	included := model.MonthOfDate(p.inclusion)
	wantKind := model.BillingBilled
	if !month.Before(current) {
		wantKind = model.BillingToBill
	}
	if month.Before(included) || current.Before(month) || kind != wantKind {
		return emptyBilling(), true
	}
	r := newRNG(d.seed, saltBilling, uint64(p.index)<<20^uint64(month.Year*12+int(month.Month)))
	var out totvs.Billing
	var debts, credits, employer int64
	for _, q := range d.familyOf(p) {
		if q.situation == model.SituationBlocked && !q.blockDate.IsZero() && q.blockDate.Before(d.now) {
			continue
		}
		m, dr, cr, emp := memberBilling(r, q)
		debts, credits, employer = debts+dr, credits+cr, employer+emp
		out.Beneficiaries = append(out.Beneficiaries, m)
	}
	family := debts - credits
	total := family - employer
	out.Debts, out.Credits, out.FamilyAmount = cents(debts), cents(credits), cents(family)
	out.EmployerDebts, out.EmployerCredits, out.EmployerAmount = cents(employer), cents(0), cents(employer)
	out.AmountType = "D"
	if total < 0 {
		out.AmountType, total = "C", -total
	}
	out.Amount = cents(total)
	if kind == model.BillingBilled {
		out.CollectionNumber = client.FlexString(fmt.Sprintf("%010d", 7000+month.Year%100*12+int(month.Month)))
		out.Title = client.FlexString(fmt.Sprintf("PLS%09d %s", 100000+(p.index%90000)*12+int(month.Month), "DP"))
	}
	return out, true
}

// memberBilling draws one member's compositions of a month: the monthly fee, sometimes a co-payment, a
// retroactive adjustment or a discount; it returns the member and its debts, credits and employer part in cents.
func memberBilling(r *rng, q person) (m totvs.BillingBeneficiary, debts, credits, employer int64) {
	fee := int64(math.Round(monthly(q) * 100))
	m = totvs.BillingBeneficiary{SubscriberID: client.FlexString(q.card), Name: upper(q.name)}
	add := func(c [2]string, typ string, retro bool, v int64) {
		m.Compositions = append(m.Compositions, totvs.BillingComposition{TypeCode: client.FlexString(c[0]),
			TypeDescription: c[1], Type: typ, Retroactive: client.FlexBool{Value: retro, Known: true}, Value: cents(v)})
		if typ == "C" {
			credits += v
		} else {
			debts += v
		}
	}
	add(compMonthly, "D", false, fee)
	if r.chance(0.35) {
		add(compCopay, "D", false, int64(r.between(1500, 12000)))
	}
	if r.chance(0.08) {
		add(compRetro, "D", true, int64(r.between(500, 4000)))
	}
	if r.chance(0.1) {
		add(compDiscount, "C", false, int64(r.between(500, 2000)))
	}
	if q.company != -1 {
		employer = int64(math.Round(float64(fee) * employerShare))
	}
	m.Amount = cents(debts - credits)
	return m, debts, credits, employer
}

// cents writes an amount in cents as the plan's number (two decimals).
func cents(v int64) client.FlexNumber {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return client.FlexNumber(fmt.Sprintf("%s%d.%02d", sign, v/100, v%100))
}

// emptyBilling is the answer for a month with nothing to bill.
func emptyBilling() totvs.Billing {
	z := cents(0)
	return totvs.Billing{Credits: z, Debts: z, FamilyAmount: z, EmployerCredits: z, EmployerDebts: z,
		EmployerAmount: z, Amount: z, AmountType: "D", Beneficiaries: []totvs.BillingBeneficiary{}}
}

// searchScan is how many generated people the name search looks through (beyond the seed people and the
// newcomers): enough to feel real, bounded so a search costs little on a 2,000,000-person dataset.
const searchScan = 2000

// Search answers the plan's search by key: a card, a CPF, or name words (each a prefix of a word of the name,
// accents and case ignored), at most limit people.
func (d *Dataset) Search(key string, limit int) []totvs.SearchBeneficiary {
	key = strings.TrimSpace(key)
	if c, ok := model.NormalizeCard(key); ok {
		if p, ok := d.personByCard(c); ok {
			return []totvs.SearchBeneficiary{searchRow(p)}
		}
		return nil
	}
	if dg, ok := model.DocumentDigits(key); ok && len(dg) == 11 {
		if p, ok := d.personByChave(dg); ok {
			return []totvs.SearchBeneficiary{searchRow(p)}
		}
		return nil
	}
	words := model.NameWords(key)
	if len(words) == 0 {
		return nil
	}
	var out []totvs.SearchBeneficiary
	consider := func(p person) bool {
		if nameMatches(p.name, words) {
			out = append(out, searchRow(p))
		}
		return len(out) < limit
	}
	for _, p := range append(append([]person(nil), d.seeds...), d.extra...) {
		if !consider(p) {
			return out
		}
	}
	for i := len(d.seeds); i < min(d.n, len(d.seeds)+searchScan); i++ {
		if p, ok := d.person(i); ok && !consider(p) {
			return out
		}
	}
	return out
}

func nameMatches(name string, words []string) bool {
	have := model.NameWords(name)
	for _, w := range words {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

func searchRow(p person) totvs.SearchBeneficiary {
	return totvs.SearchBeneficiary{Card: client.FlexString(p.card), Name: upper(p.name), Type: p.tipusu,
		Kinship: p.kinship, CPF: client.FlexString(p.cpf), BirthDate: p.birth.Format(time.DateOnly), Situation: p.situation}
}
