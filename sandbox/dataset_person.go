package sandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/balcao/balcao/model"
)

// person is the full internal record behind a beneficiary: everything TOTVS and Mosia answers derives from it.
type person struct {
	index       int
	family      int // generated family id; negative for the seed families
	member      int // 0 titular
	card        string
	cpf         string
	chave       string
	name        string
	social      string // BA1_NOMSOC
	male        bool
	birth       time.Time
	rg          string
	idMatricula string
	mother      string
	father      string
	phone       string
	email       string
	situation   string
	blockDate   time.Time
	blockReason string
	civil       string // BA1_ESTCIV code (or a pre-resolved label, as TOTVS's contract example shows)
	kinship     string // BRP_DESCRI
	graupa      string
	tipusu      string // T titular, D dependente
	street      string
	number      string
	complement  string
	district    string
	city        string
	uf          string
	cep         string
	emp         int
	company     int // -1 individual
	companyName string
	conemp      string
	subcon      string
	subconDesc  string
	planCode    string
	planName    string
	inclusion   time.Time
	transfer    bool
	contracts   []model.ContractRef
	literal     map[string]any // contract fields of TOTVS's example, verbatim
}

func (p person) beneficiary() model.Beneficiary {
	b := model.Beneficiary{
		ChaveUnica:  p.chave,
		Card:        p.card,
		CPF:         p.cpf,
		Name:        p.name,
		RG:          p.rg,
		IDMatricula: p.idMatricula,
		MotherName:  p.mother,
		Phone:       p.phone,
		Email:       p.email,
		Situation:   p.situation,
		Contracts:   append([]model.ContractRef(nil), p.contracts...),
	}
	if !p.birth.IsZero() {
		b.BirthDate = p.birth.Format(time.DateOnly)
	}
	return b
}

// birthRef anchors generated birth dates, so they do not move with "now".
var birthRef = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Kinship descriptions (BRP_DESCRI) and BA1_GRAUPA codes.
const (
	kinTitular = "BENEFICIARIO TITULAR"
	kinSpouse  = "CONJUGE/ COMPANHEIRO"
	kinChild   = "FILHO(A)"
)

// familyTraits are the draws shared by every member of a generated family.
type familyTraits struct {
	titularMale     bool
	hasSpouse       bool
	titularBirth    time.Time
	spouseBirth     time.Time
	titularFirst    string
	spouseFirst     string
	titularSurnames [2]string
	spouseSurnames  [2]string
	titularParticle string
	spouseTakesName bool
	familyPhone     string
	situation       string
	blockDays       int
	cityIdx         int
	street          string
	number          string
	complement      string
	district        string
	cep             string
	planIdx         int
	inclusion       time.Time
	transfer        bool
	dental          bool
	subcon          int
	childGap        int
}

func (d *Dataset) familyTraits(f int) familyTraits {
	r := newRNG(d.seed, saltFamily, uint64(f))
	var t familyTraits
	t.titularMale = r.chance(0.5)
	t.hasSpouse = r.chance(0.8)
	age := 22 + r.intn(20) + r.intn(20) + r.intn(15) // 22–75, centred near 45
	t.titularBirth = randomDay(r, birthRef.Year()-age)
	t.spouseBirth = randomDay(r, t.titularBirth.Year()+r.between(-6, 6))
	t.titularFirst = givenName(r, t.titularMale)
	t.spouseFirst = givenName(r, !t.titularMale)
	t.titularSurnames = [2]string{surnames.pick(r), surnames.pick(r)}
	t.spouseSurnames = [2]string{surnames.pick(r), surnames.pick(r)}
	if r.chance(0.3) {
		t.titularParticle = particleFor(t.titularSurnames[0])
	}
	t.spouseTakesName = r.chance(0.5)
	t.cityIdx = r.intn(len(cities))
	t.familyPhone = mobile(r, cities[t.cityIdx].ddd)
	switch x := r.intn(100); {
	case x < 85:
		t.situation = model.SituationActive
	case x < 95:
		t.situation = model.SituationBlocked
		t.blockDays = -r.between(10, 900)
	default:
		t.situation = model.SituationFutureBlock
		t.blockDays = r.between(3, 60)
	}
	t.street = streets[r.intn(len(streets))]
	t.number = fmt.Sprint(r.between(1, 3999))
	if r.chance(0.3) {
		t.complement = fmt.Sprintf("APTO %d%02d", r.between(1, 20), r.between(1, 8))
	}
	t.district = neighbourhoods[r.intn(len(neighbourhoods))]
	t.cep = fmt.Sprintf("%05d%03d", r.between(1000, 99999), r.intn(1000))
	t.planIdx = r.intn(len(individualPlans))
	if r.chance(0.2) { // recent inclusion: grace periods still running
		t.inclusion = d.now.AddDate(0, 0, -r.between(0, 300))
	} else {
		t.inclusion = randomDay(r, r.between(2008, birthRef.Year()-1))
	}
	t.transfer = r.chance(0.15)
	t.dental = r.chance(0.08)
	t.subcon = r.between(1, 3)
	t.childGap = r.between(1, 4)
	return t
}

func randomDay(r *rng, year int) time.Time {
	return time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.intn(365))
}

func givenName(r *rng, male bool) string {
	if male {
		n := maleNames.pick(r)
		if r.chance(0.3) {
			n += " " + middleMale.pick(r)
		}
		return n
	}
	n := femaleNames.pick(r)
	if r.chance(0.35) {
		n += " " + middleFemale.pick(r)
	}
	return n
}

func mobile(r *rng, ddd string) string {
	return fmt.Sprintf("%s9%d%07d", ddd, r.between(6, 9), r.intn(10_000_000))
}

// particleFor is the particle Brazilians put before a surname: "da Silva", "dos Santos", "de Souza".
func particleFor(surname string) string {
	switch {
	case surname == "Santos":
		return "dos"
	case surname == "Nascimento":
		return "do"
	case strings.HasSuffix(surname, "a"), strings.HasSuffix(surname, "ção"):
		return "da"
	}
	return "de"
}

// joinName joins a given name, an optional particle and surnames, skipping a repeated surname.
func joinName(given, particle string, s ...string) string {
	parts := []string{given}
	if particle != "" {
		parts = append(parts, particle)
	}
	for i, x := range s {
		if x != "" && (i == 0 || x != s[i-1]) {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, " ")
}

// generate builds generated beneficiary j (index len(seeds)+j).
func (d *Dataset) generate(j int) person {
	f, m, _ := d.locate(j)
	t := d.familyTraits(f)
	r := newRNG(d.seed, saltPerson, uint64(j))
	emp, matric, company := familyCode(f)
	p := person{index: len(d.seeds) + j, family: f, member: m, emp: emp, company: company}
	p.card = makeCard(emp, matric, m+1)
	p.cpf = d.cpf(j)
	p.chave = p.cpf
	// The order of the draws below is the dataset: moving one changes every person after it.
	familyMember(&p, t, r, m)
	d.documentsAndContacts(&p, t, r, m)
	plansOf(&p, t, f, company, m)
	return p
}

// familyMember draws who member m of a family is: name, sex, birth, kinship, parents, civil status.
func familyMember(p *person, t familyTraits, r *rng, m int) {
	titular := joinName(t.titularFirst, t.titularParticle, t.titularSurnames[0], t.titularSurnames[1])
	spouseSur := t.spouseSurnames
	if t.spouseTakesName && t.titularMale {
		spouseSur[1] = t.titularSurnames[1]
	}
	spouse := joinName(t.spouseFirst, "", spouseSur[0], spouseSur[1])
	fatherSur, motherSur := t.titularSurnames[1], spouseSur[1]
	if !t.titularMale {
		fatherSur, motherSur = spouseSur[1], t.titularSurnames[1]
	}
	if !t.hasSpouse {
		fatherSur, motherSur = t.titularSurnames[1], t.titularSurnames[0]
	}
	randomMother := func(sur string) string {
		return joinName(femaleNames.pick(r), "", surnames.pick(r), sur)
	}
	randomFather := func(sur string) string {
		return joinName(maleNames.pick(r), "", surnames.pick(r), sur)
	}
	child := m - 1
	if t.hasSpouse {
		child = m - 2
	}
	switch {
	case m == 0:
		p.name, p.male, p.birth = titular, t.titularMale, t.titularBirth
		p.kinship, p.graupa, p.tipusu = kinTitular, "01", "T"
		p.mother, p.father = randomMother(t.titularSurnames[0]), randomFather(t.titularSurnames[1])
		p.civil = "S"
		if t.hasSpouse {
			p.civil = "C"
		} else if r.chance(0.3) {
			p.civil = "D"
		}
	case child < 0: // spouse
		p.name, p.male, p.birth = spouse, !t.titularMale, t.spouseBirth
		p.kinship, p.graupa, p.tipusu = kinSpouse, "02", "D"
		p.mother, p.father = randomMother(t.spouseSurnames[0]), randomFather(t.spouseSurnames[1])
		p.civil = "C"
		if r.chance(0.15) {
			p.civil = "M"
		}
	default:
		familyChild(p, t, r, child, titular, spouse, motherSur, fatherSur, randomMother, randomFather)
	}
}

// familyChild draws a child of the family: the child-th after the titular (and spouse).
func familyChild(p *person, t familyTraits, r *rng, child int, titular, spouse, motherSur, fatherSur string,
	randomMother, randomFather func(string) string) {
	motherOfKids, fatherOfKids := spouse, titular
	if !t.titularMale {
		motherOfKids, fatherOfKids = titular, spouse
	}
	p.male = r.chance(0.5)
	p.name = joinName(givenName(r, p.male), "", motherSur, fatherSur)
	older := t.titularBirth
	if t.hasSpouse && t.spouseBirth.Before(older) {
		older = t.spouseBirth
	}
	year := older.Year() + 22 + child*t.childGap + r.intn(3)
	if max := birthRef.Year() - 1 - child; year > max {
		year = max
	}
	p.birth = randomDay(r, year)
	p.kinship, p.graupa, p.tipusu = kinChild, "05", "D"
	p.civil = "S"
	if t.hasSpouse {
		p.mother, p.father = motherOfKids, fatherOfKids
	} else if t.titularMale {
		p.mother, p.father = randomMother(motherSur), titular
	} else {
		p.mother, p.father = titular, randomFather(fatherSur)
	}
}

// documentsAndContacts draws the RG, the registration, phone, e-mail, situation and address.
func (d *Dataset) documentsAndContacts(p *person, t familyTraits, r *rng, m int) {
	p.rg = fmt.Sprintf("%d.%03d.%03d", r.between(1, 59), r.intn(1000), r.intn(1000))
	if r.chance(0.4) {
		p.rg += fmt.Sprintf("-%d", r.intn(10))
	}
	p.idMatricula = fmt.Sprintf("%03d-%03d-%03d", r.intn(1000), r.intn(1000), r.intn(1000))
	age := birthRef.Year() - p.birth.Year()
	city := cities[t.cityIdx]
	if m == 0 {
		p.phone = t.familyPhone
	} else if age < 16 {
		p.phone = t.familyPhone
	} else {
		p.phone = mobile(r, city.ddd)
	}
	if age >= 16 {
		p.email = emailOf(r, p.name)
	}
	p.situation = t.situation
	if t.blockDays != 0 {
		p.blockDate = d.now.AddDate(0, 0, t.blockDays)
		p.blockReason = fmt.Sprintf("%03d", 1+r.intn(9))
	}
	if m > 0 && p.situation == model.SituationActive && r.chance(0.03) {
		p.situation = model.SituationBlocked
		p.blockDate = d.now.AddDate(0, 0, -r.between(10, 400))
		p.blockReason = "004"
	}
	p.street, p.number, p.complement, p.district = t.street, t.number, t.complement, t.district
	p.city, p.uf, p.cep = city.name, city.uf, t.cep
	p.inclusion = t.inclusion
	if p.inclusion.Before(p.birth) {
		p.inclusion = p.birth.AddDate(0, 0, 30)
	}
	p.transfer = t.transfer
}

// plansOf sets the person's plan and contracts: the family's individual plan, or its company's.
func plansOf(p *person, t familyTraits, f, company, m int) {
	if company < 0 {
		plan := individualPlans[t.planIdx]
		p.planCode, p.planName = plan.code, plan.name
		p.companyName = "PESSOA FISICA"
		p.contracts = []model.ContractRef{{Number: fmt.Sprintf("1%07d", f), Description: plan.name}}
	} else {
		plan := companyPlans[(company+t.subcon)%len(companyPlans)]
		p.planCode, p.planName = plan.code, plan.name
		p.companyName = companyName(company)
		p.conemp = fmt.Sprintf("%012d", company+1)
		p.subcon = fmt.Sprintf("%09d", t.subcon)
		p.subconDesc = []string{"SUBCONTRATO USO GERAL", "SUBCONTRATO ADMINISTRATIVO", "SUBCONTRATO DIRETORIA"}[t.subcon-1]
		p.contracts = []model.ContractRef{{Number: fmt.Sprintf("9%07d", company+1),
			Description: p.companyName + " - COLETIVO EMPRESARIAL"}}
	}
	if m == 0 && t.dental {
		p.contracts = append(p.contracts, model.ContractRef{Number: fmt.Sprintf("2%07d", f), Description: dentalPlan.name})
	}
}

// emailOf builds a plausible personal e-mail from a name.
func emailOf(r *rng, name string) string {
	words := strings.Fields(model.FoldText(name))
	if len(words) == 0 {
		return ""
	}
	user := words[0] + "." + words[len(words)-1]
	if r.chance(0.6) {
		user += fmt.Sprint(r.between(1, 999))
	}
	return user + "@" + emailDomains.pick(r)
}
