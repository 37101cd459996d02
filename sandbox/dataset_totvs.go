package sandbox

import (
	"fmt"
	"sort"
	"time"

	"github.com/balcao/balcao/client/totvs"
)

// Grace statuses as TOTVS writes them: no accents in its examples ("Carencia Cumprida"); the running one is
// never shown, so its spelling here is inferred.
const (
	graceDone    = "Carencia Cumprida"
	graceRunning = "Em Carencia"
)

// sx3 is one contract field: its SX3 structure and how to read its value from a person.
type sx3 struct {
	st    totvs.FieldStruct
	value func(p person) any
}

func dateField(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func cf(field, typ, title, desc, picture string, size, dec int, folder string, cbox totvs.CBox, value func(p person) any) sx3 {
	if cbox == nil {
		cbox = totvs.CBox{}
	}
	return sx3{st: totvs.FieldStruct{Field: field, Type: typ, Title: title, Description: desc, Picture: picture,
		Size: size, Decimals: dec, CBox: cbox, Folder: folder}, value: value}
}

// contractFields is the BA1/BA3 dictionary the sandbox answers, modelled on TOTVS's contract example (titles
// verbatim there).
var contractFields = func() []sx3 {
	str := func(f func(p person) string) func(p person) any { return func(p person) any { return f(p) } }
	fs := []sx3{
		cf("BA1_CODINT", "C", "Operadora", "Codigo da Operadora", "@R !.!!!", 4, 0, "1", nil, str(func(p person) string { return p.card[0:4] })),
		cf("BA1_CODEMP", "C", "Grupo/Empr.", "Grupo/Empresa", "@!", 4, 0, "1", nil, str(func(p person) string { return p.card[4:8] })),
		cf("BA1_MATRIC", "C", "Matricula", "Matricula da Familia", "@!", 6, 0, "1", nil, str(func(p person) string { return p.card[8:14] })),
		cf("BA1_TIPREG", "C", "Tp. Registro", "Tipo de Registro", "@!", 2, 0, "1", nil, str(func(p person) string { return p.card[14:16] })),
		cf("BA1_DIGITO", "C", "Digito", "Digito da Matricula", "@!", 1, 0, "1", nil, str(func(p person) string { return p.card[16:17] })),
		cf("BA1_NOMUSR", "C", "Nome Usuário", "Nome do Usuario", "@!", 70, 0, "1", nil, str(func(p person) string { return upper(p.name) })),
		cf("BA1_NOMSOC", "C", "Nome Social", "Nome Social do Usuario", "@!", 70, 0, "1", nil, str(func(p person) string { return p.social })),
		cf("BA1_CPFUSR", "C", "CPF", "CPF do Usuário", "@R 999.999.999-99", 11, 0, "1", nil, str(func(p person) string { return p.cpf })),
		cf("BA1_DRGUSR", "C", "RG", "RG do Usuario", "@!", 11, 0, "1", nil, str(func(p person) string { return p.rg })),
		cf("BA1_DATNAS", "D", "Dt. Nascto.", "Data de Nascimento", "@D", 8, 0, "1", nil, func(p person) any { return dateField(p.birth) }),
		cf("BA1_SEXO", "C", "Sexo", "Sexo", "@!", 1, 0, "1", totvs.CBox{{Value: "1", Description: "Masculino"},
			{Value: "2", Description: "Feminino"}, {Value: "x", Description: "Anonimizado"}},
			str(func(p person) string {
				if p.male {
					return "1"
				}
				return "2"
			})),
		cf("BA1_ESTCIV", "C", "Estado Civil", "Estado Civil", "@!", 1, 0, "1", totvs.CBox{{Value: "S", Description: "Solteiro(a)"},
			{Value: "C", Description: "Casado(a)"}, {Value: "D", Description: "Divorciado(a)"},
			{Value: "V", Description: "Viúvo(a)"}, {Value: "M", Description: "União Estável"}},
			str(func(p person) string { return p.civil })),
		cf("BA1_MAE", "C", "Mãe", "Nome da Mae", "@!", 120, 0, "1", nil, str(func(p person) string { return upper(p.mother) })),
		cf("BA1_PAI", "C", "Nome Pai", "Nome do Pai", "@!", 30, 0, "1", nil, str(func(p person) string { return upper(p.father) })),
		cf("BA1_ENDERE", "C", "Endereço", "Endereco do Usuario", "@!", 40, 0, "1", nil, str(func(p person) string { return p.street })),
		cf("BA1_NR_END", "C", "Número", "Numero do Endereco", "@!", 6, 0, "1", nil, str(func(p person) string { return p.number })),
		cf("BA1_COMEND", "C", "Complemento", "Complemento do Endereco", "@!", 20, 0, "1", nil, str(func(p person) string { return p.complement })),
		cf("BA1_BAIRRO", "C", "Bairro", "Bairro do Usuario", "@!", 20, 0, "1", nil, str(func(p person) string { return p.district })),
		cf("BA1_MUNICI", "C", "Município", "Municipio do Usuario", "@!", 30, 0, "1", nil, str(func(p person) string { return p.city })),
		cf("BA1_ESTADO", "C", "Estado", "Estado do Usuario", "@!", 2, 0, "1", nil, str(func(p person) string { return p.uf })),
		cf("BA1_CEPUSR", "C", "CEP", "CEP do Usuario", "@R 99999-999", 8, 0, "1", nil, str(func(p person) string { return p.cep })),
		cf("BA1_DDD", "C", "DDD", "DDD do Telefone", "@!", 3, 0, "1", nil, str(func(p person) string { return phonePart(p.phone, true) })),
		cf("BA1_TELEFO", "C", "Telefone", "Telefone do Usuario", "@R 99999-9999", 9, 0, "1", nil, str(func(p person) string { return phonePart(p.phone, false) })),
		cf("BA1_EMAIL", "C", "E-mail", "E-mail do Usuario", "", 60, 0, "1", nil, str(func(p person) string { return p.email })),
		cf("BA1_TIPUSU", "C", "Tipo Usuário", "Tipo de Usuario", "@!", 1, 0, "1", totvs.CBox{{Value: "T", Description: "Titular"},
			{Value: "D", Description: "Dependente"}, {Value: "A", Description: "Agregado"}}, str(func(p person) string { return p.tipusu })),
		cf("BA1_GRAUPA", "C", "Grau Parent.", "Grau de Parentesco", "@!", 2, 0, "1", nil, str(func(p person) string { return p.graupa })),
		cf("BA3_CODEMP", "C", "Grupo/Empr.", "Grupo/Empresa", "@!", 4, 0, "3", nil, str(func(p person) string { return p.card[4:8] })),
		cf("BA3_DESEMP", "C", "Desc. Empresa", "Descricao do Grupo/Empresa", "@!", 60, 0, "3", nil, str(func(p person) string { return p.companyName })),
		cf("BA3_CONEMP", "C", "Contrato", "Numero do Contrato", "@!", 12, 0, "3", nil, str(func(p person) string { return p.conemp })),
		cf("BA3_VERCON", "C", "Versão Contr.", "Versao do Contrato", "@!", 3, 0, "3", nil, str(func(p person) string { return ifSet(p.conemp, "001") })),
		cf("BA3_SUBCON", "C", "Subcontrato", "Numero do Subcontrato", "@!", 9, 0, "3", nil, str(func(p person) string { return p.subcon })),
		cf("BA3_VERSUB", "C", "Versão Subcon.", "Versao do Subcontrato", "@!", 3, 0, "3", nil, str(func(p person) string { return ifSet(p.subcon, "001") })),
		cf("BA3_DESSUB", "C", "Desc. Subcon.", "Descricao do Subcontrato", "@!", 60, 0, "3", nil, str(func(p person) string { return p.subconDesc })),
		cf("BA3_TIPOUS", "C", "Tipo Contr.", "Tipo de Contrato", "@!", 1, 0, "3", totvs.CBox{{Value: "1", Description: "Pessoa Física"},
			{Value: "2", Description: "Pessoa Jurídica"}}, str(func(p person) string { return ifElse(p.company == -1, "1", "2") })),
		cf("BA1_CODPLA", "C", "Produto", "Codigo do Produto", "@!", 4, 0, "3", nil, str(func(p person) string { return p.planCode })),
		cf("BI3_DESCRI", "C", "Desc. Produto", "Descricao do Produto", "@!", 60, 0, "3", nil, str(func(p person) string { return p.planName })),
		cf("BA1_DATINC", "D", "Dt. Inclusão", "Data de Inclusao", "@D", 8, 0, "3", nil, func(p person) any { return dateField(p.inclusion) }),
		cf("BA3_VENCTO", "N", "Dia Vencto.", "Dia de Vencimento", "99", 2, 0, "4", nil, func(p person) any { return 5 + (p.index%5)*5 }),
		cf("BA3_FORPAG", "C", "Forma Pagto.", "Forma de Pagamento", "@!", 1, 0, "4", totvs.CBox{{Value: "1", Description: "Boleto bancário"},
			{Value: "2", Description: "Débito automático"}, {Value: "3", Description: "Desconto em folha"}},
			str(func(p person) string { return ifElse(p.company == -1, fmt.Sprint(1+p.index%2), "3") })),
		cf("BA3_VALMEN", "N", "Mensalidade", "Valor da Mensalidade", "@E 999,999.99", 9, 2, "4", nil, func(p person) any { return monthly(p) }),
		cf("BI3_SUSEP", "C", "Registro ANS", "Registro do Produto na ANS", "@!", 9, 0, "5", nil, str(func(p person) string { return "4" + p.planCode + "0012" })),
		cf("BA1_CODCCO", "C", "Cód. CCO", "Codigo de Controle Operacional ANS", "@!", 12, 0, "5", nil, str(func(p person) string { return p.card[4:16] })),
		cf("BA1_MOTBLO", "C", "Motivo Bloq.", "Motivo do Bloqueio", "@!", 3, 0, "6", nil, str(func(p person) string { return p.blockReason })),
		cf("BA1_DATBLO", "D", "Data Bloq.", "Data do Bloqueio", "@D", 8, 0, "6", nil, func(p person) any { return dateField(p.blockDate) }),
		cf("BA3_NUMPAR", "N", "Qtd. Parcelas", "Quantidade de Parcelas", "99", 2, 0, "7", nil, func(p person) any { return 1 + p.index%3 }),
	}
	for i := range fs {
		fs[i].st.Order = fmt.Sprintf("%02d", i+1)
	}
	return fs
}()

// contractFolders are the SXA folders of TOTVS's contract example, verbatim.
var contractFolders = []totvs.Folder{{ID: "1", Title: "Dados Pessoais"}, {ID: "3", Title: "Relativos ao Plano"},
	{ID: "4", Title: "Cobranca"}, {ID: "5", Title: "Ans"}, {ID: "6", Title: "Outros"}, {ID: "7", Title: "Regras de parcelamento"}}

func ifSet(s, v string) string { return ifElse(s != "", v, "") }

func ifElse(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func phonePart(phone string, ddd bool) string {
	if len(phone) < 10 {
		return ifElse(ddd, "", phone)
	}
	if ddd {
		return phone[:2]
	}
	return phone[2:]
}

func monthly(p person) float64 {
	age := birthRef.Year() - p.birth.Year()
	base := 180.0 + float64(age)*9.5
	if p.company >= 0 {
		base *= 0.7
	}
	return float64(int(base*100)) / 100
}

// Contract returns TOTVS beneficiaryPosition/{card}/contract for a card.
func (d *Dataset) Contract(card string) (totvs.Contract, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return totvs.Contract{}, false
	}
	c := totvs.Contract{Fields: make(map[string]any, len(contractFields)+2), Struct: make([]totvs.FieldStruct, 0, len(contractFields)),
		Folders: append([]totvs.Folder(nil), contractFolders...)}
	for _, f := range contractFields {
		c.Fields[lowerASCII(f.st.Field)] = f.value(p)
		c.Struct = append(c.Struct, f.st)
	}
	for k, v := range p.literal {
		c.Fields[k] = v
	}
	c.Fields["situation"] = p.situation
	c.Fields["card"] = p.card
	return c, true
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Family returns TOTVS beneficiaryPosition/{card}/familyBeneficiaries for a card.
func (d *Dataset) Family(card string) (totvs.Family, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return totvs.Family{}, false
	}
	members := d.familyOf(p)
	fam := totvs.Family{Beneficiaries: make([]totvs.FamilyMember, 0, len(members))}
	for _, q := range members {
		fam.Beneficiaries = append(fam.Beneficiaries, totvs.FamilyMember{Card: q.card, Name: upper(q.name),
			Kinship: q.kinship, Situation: q.situation})
	}
	return fam, true
}

// graceDef is a BDL grace class or BAT grace group with its ANS-style length in days.
type graceDef struct {
	code, description string
	days              int
}

var graceClassDefs = []graceDef{
	{"001", "AUXILIO FUNERAL", 180}, {"002", "CONSULTA", 30}, {"003", "EXAMES SIMPLES", 30},
	{"004", "DOENCA PRE-EXISTENTE", 720}, {"005", "EXAMES COMPLEXOS", 180}, {"006", "TERAPIAS", 180},
	{"007", "INTERNACAO CLINICA", 180}, {"008", "PERIODONTIA", 90}, {"009", "INTERNACAO CIRURGICA", 180},
	{"010", "PARTO A TERMO", 300}, {"011", "URGENCIA E EMERGENCIA", 1}, {"012", "FISIOTERAPIA", 180},
	{"013", "PSICOTERAPIA", 180}, {"014", "HEMODIALISE", 180}, {"015", "QUIMIOTERAPIA", 180},
	{"016", "RADIOTERAPIA", 180}, {"017", "RESSONANCIA MAGNETICA", 180}, {"018", "TOMOGRAFIA", 180},
	{"019", "CIRURGIA REFRATIVA", 180}, {"020", "TRANSPLANTES", 180}, {"021", "ORTODONTIA", 180},
	{"022", "ENDODONTIA", 90}, {"023", "PROTESE DENTARIA", 180}, {"024", "CIRURGIA BARIATRICA", 720},
	{"025", "HOME CARE", 180}, {"026", "VIDEOLAPAROSCOPIA", 180}, {"027", "ACUPUNTURA", 90},
	{"028", "NUTRICIONISTA", 30}, {"029", "FONOAUDIOLOGIA", 90}, {"030", "ODONTOPEDIATRIA", 90},
}

var graceGroupDefs = []graceDef{
	{"001", "CONSULTAS", 30}, {"002", "EXAMES", 30}, {"003", "TERAPIAS", 180}, {"004", "INTERNACOES", 180},
	{"005", "PARTO", 300}, {"006", "DOENCAS E LESOES PRE-EXISTENTES", 720}, {"007", "URGENCIA E EMERGENCIA", 1},
	{"008", "ODONTOLOGIA", 90}, {"009", "ALTA COMPLEXIDADE", 180},
}

// pickDefs draws between lo and hi definitions, in code order.
func pickDefs(r *rng, defs []graceDef, lo, hi int) []graceDef {
	idx := make([]int, len(defs))
	for i := range idx {
		idx[i] = i
	}
	for k := len(idx) - 1; k > 0; k-- {
		j := r.intn(k + 1)
		idx[k], idx[j] = idx[j], idx[k]
	}
	idx = idx[:r.between(lo, hi)]
	sort.Ints(idx)
	out := make([]graceDef, len(idx))
	for i, k := range idx {
		out[i] = defs[k]
	}
	return out
}

func (d *Dataset) graceStatus(end time.Time) string {
	if end.After(d.now) {
		return graceRunning
	}
	return graceDone
}

// GraceClasses returns every grace-period class of a card (not paginated; the server pages it).
func (d *Dataset) GraceClasses(card string) (totvs.GracePeriodClasses, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return totvs.GracePeriodClasses{}, false
	}
	r := newRNG(d.seed, saltGrace, uint64(p.index))
	defs := pickDefs(r, graceClassDefs, 12, 30)
	out := totvs.GracePeriodClasses{BeneficiaryTransfer: p.transfer, Items: make([]totvs.GraceClass, 0, len(defs))}
	prevInclusion := p.inclusion.AddDate(0, 0, -r.between(400, 3000))
	for _, g := range defs {
		end := p.inclusion.AddDate(0, 0, g.days)
		c := totvs.GraceClass{ClassCode: g.code, Description: g.description}
		if !p.transfer {
			c.FinalDate, c.Status = end.Format(time.DateOnly), d.graceStatus(end)
		} else {
			prev := prevInclusion.AddDate(0, 0, g.days)
			cur := end
			if r.chance(0.5) { // portability: time already served carries over
				cur = prev
			}
			c.FinalDatePrevious, c.StatusPrevious = prev.Format(time.DateOnly), d.graceStatus(prev)
			c.FinalDateCurrent, c.StatusCurrent = cur.Format(time.DateOnly), d.graceStatus(cur)
		}
		out.Items = append(out.Items, c)
	}
	return out, true
}

// GraceGroups returns every grace-period group of a card (not paginated; the server pages it).
func (d *Dataset) GraceGroups(card string) (totvs.GracePeriodGroups, bool) {
	p, ok := d.personByCard(card)
	if !ok {
		return totvs.GracePeriodGroups{}, false
	}
	r := newRNG(d.seed, saltGrace, ^uint64(p.index))
	defs := pickDefs(r, graceGroupDefs, 4, len(graceGroupDefs))
	unpadded := r.chance(0.2) // TOTVS quirk: dates like 2022-1-5, not zero-padded
	out := totvs.GracePeriodGroups{Items: make([]totvs.GraceGroup, 0, len(defs))}
	for _, g := range defs {
		end := p.inclusion.AddDate(0, 0, g.days)
		date := end.Format(time.DateOnly)
		if unpadded {
			date = fmt.Sprintf("%d-%d-%d", end.Year(), end.Month(), end.Day())
		}
		out.Items = append(out.Items, totvs.GraceGroup{GroupCode: g.code, Description: g.description,
			Date: date, Status: d.graceStatus(end)})
	}
	return out, true
}
