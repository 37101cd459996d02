package sandbox

import (
	"time"

	"github.com/balcao/balcao/model"
)

// Newcomers are people the sandbox's TOTVS knows but its directory does not (they "joined yesterday": the
// directory's import has not run since). They exist so that the search "when the directory misses" can be tried:
// the TOTVS search finds them, the demo directory does not. Their cards use MATRICs below the generated range
// and their CPF bases are kept out of the generated ones.
const (
	// NewcomerLarissaCard is the card of Larissa Monteiro Duarte, a newcomer titular.
	NewcomerLarissaCard = "00010001000091017"
	// NewcomerTomasCard is the card of her son, a newcomer dependent.
	NewcomerTomasCard = "00010001000091025"
	// NewcomerRenatoCard is the card of Renato Farias Lins, a newcomer on his own.
	NewcomerRenatoCard = "00010001000092013"
)

// newcomerCPFBases are the newcomers' CPF bases (their check digits are computed).
var newcomerCPFBases = []string{"714602385", "714602386", "528917340"}

// newcomerPeople returns the newcomers; indexes are past every generated one (they key their random streams).
func (d *Dataset) newcomerPeople() []person {
	joined := d.now.AddDate(0, 0, -1)
	cpf := func(i int) string {
		s := newcomerCPFBases[i]
		s += string(cpfCheck(s, 10))
		return s + string(cpfCheck(s, 11))
	}
	base := len(d.seeds) + maxGenerated()
	plan := individualPlans[0]
	common := func(p person) person {
		p.situation, p.inclusion, p.emp, p.company, p.companyName = model.SituationActive, joined, individualEmp, -1, "PESSOA FISICA"
		p.planCode, p.planName, p.city, p.uf = plan.code, plan.name, "VITÓRIA", "ES"
		p.street, p.district, p.cep = "RUA DAS FLORES", "CENTRO", "29010120"
		p.contracts = []model.ContractRef{{Number: "1000091", Description: plan.name}}
		return p
	}
	larissa := common(person{index: base, family: -11, card: NewcomerLarissaCard, cpf: cpf(0),
		name: "Larissa Monteiro Duarte", birth: day(1988, time.April, 9), mother: "Celia Monteiro",
		father: "Paulo Duarte", phone: "27998124455", email: "larissa.duarte@exemplo.com.br", civil: "D",
		kinship: kinTitular, graupa: "01", tipusu: "T", rg: "3.456.789", idMatricula: "901-091-001", number: "45"})
	tomas := common(person{index: base + 1, family: -11, member: 1, card: NewcomerTomasCard, cpf: cpf(1),
		name: "Tomás Monteiro Duarte", male: true, birth: day(2015, time.September, 30), mother: "Larissa Monteiro Duarte",
		father: "Rafael Souza", phone: "27998124455", civil: "S", kinship: kinChild, graupa: "05", tipusu: "D",
		rg: "5.678.901", idMatricula: "901-091-002", number: "45"})
	renato := common(person{index: base + 2, family: -12, card: NewcomerRenatoCard, cpf: cpf(2),
		name: "Renato Farias Lins", male: true, birth: day(1979, time.December, 2), mother: "Marta Farias",
		father: "Joel Lins", phone: "27999017788", email: "renato.lins@exemplo.com.br", civil: "C",
		kinship: kinTitular, graupa: "01", tipusu: "T", rg: "1.234.567", idMatricula: "901-092-001", number: "900"})
	renato.contracts = []model.ContractRef{{Number: "1000092", Description: plan.name}}
	out := []person{larissa, tomas, renato}
	for i := range out {
		out[i].chave = out[i].cpf
	}
	return out
}

// Newcomers returns the people the sandbox's TOTVS knows but its directory (Len, Beneficiary) does not.
func (d *Dataset) Newcomers() []model.Beneficiary {
	out := make([]model.Beneficiary, len(d.extra))
	for i, p := range d.extra {
		out[i] = p.beneficiary()
	}
	return out
}

// newcomerByCard finds a newcomer by card.
func (d *Dataset) newcomerByCard(card string) (person, bool) {
	for _, p := range d.extra {
		if p.card == card {
			return p, true
		}
	}
	return person{}, false
}

// newcomerByChave finds a newcomer by chaveUnica.
func (d *Dataset) newcomerByChave(chave string) (person, bool) {
	for _, p := range d.extra {
		if p.chave == chave {
			return p, true
		}
	}
	return person{}, false
}
