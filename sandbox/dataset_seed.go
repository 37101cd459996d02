package sandbox

import (
	"time"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/model"
)

// Seed people: the beneficiaries of the vendors' published examples (docs/upstreams.md), verbatim, at the first
// indexes.
const (
	// SeedJoaoPedro is the chaveUnica of João Pedro (Mosia's buscaBeneficiarios example); it is NOT a valid CPF.
	SeedJoaoPedro = "15846772777"
	// SeedPatrick is the chaveUnica of Patrick Oliveira Cabral (Mosia's ultimosProtocolos example).
	SeedPatrick = "13331584754"
	// SeedHernandesCard is HERNANDES ALVES DA SILVA's card (TOTVS's contract and family examples).
	SeedHernandesCard = "00011008000027010"
	// SeedFabianaCard is FABIANA SOPHIA MELO's card, Hernandes' spouse.
	SeedFabianaCard = "00011008000027028"
	// SeedJoaoPedroCard is the card the sandbox gives João Pedro.
	SeedJoaoPedroCard = "00010001000001018"
	// SeedPatrickCard is the card the sandbox gives Patrick.
	SeedPatrickCard = "00010001000002014"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// seedPeople returns the seed beneficiaries in index order.
func seedPeople() []person {
	seedCompany := "EMPRESA X LTDA"
	return []person{
		{
			index: 0, family: -1, member: 0, card: SeedJoaoPedroCard, cpf: SeedJoaoPedro, chave: SeedJoaoPedro,
			name: "João Pedro", male: true, birth: day(1994, time.August, 5), rg: "3025-517",
			idMatricula: "123-123-321", mother: "Maria Delmaschio", father: "Pedro Delmaschio",
			phone: "27998765432", email: "joao.pedro@exemplo.com.br", situation: model.SituationActive,
			civil: "S", kinship: kinTitular, graupa: "01", tipusu: "T",
			street: "RUA SETE DE SETEMBRO", number: "100", district: "CENTRO", city: "VILA VELHA", uf: "ES",
			cep: "29100010", emp: individualEmp, company: -1, companyName: "PESSOA FISICA",
			planCode: "0101", planName: "MS PLATINUM", inclusion: day(2019, time.March, 1),
			contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"},
				{Number: "0000002", Description: "MS GOLD"}},
		},
		{
			index: 1, family: -2, member: 0, card: SeedPatrickCard, cpf: SeedPatrick, chave: SeedPatrick,
			name: "Patrick Oliveira Cabral", male: true, birth: day(1990, time.March, 14), rg: "2.345.678",
			idMatricula: "456-789-012", mother: "Sandra Oliveira Cabral", father: "Jorge Cabral",
			phone: "27997981966", email: "patrick.cabral@exemplo.com.br", situation: model.SituationActive,
			civil: "S", kinship: kinTitular, graupa: "01", tipusu: "T",
			street: "AVENIDA BEIRA MAR", number: "2100", complement: "APTO 1203", district: "PRAIA DA COSTA",
			city: "VILA VELHA", uf: "ES", cep: "29101010", emp: individualEmp, company: -1,
			companyName: "PESSOA FISICA", planCode: "0102", planName: "MS GOLD",
			inclusion: day(2021, time.July, 1), transfer: true,
			contracts: []model.ContractRef{{Number: "0000003", Description: "MS GOLD"}},
		},
		{
			index: 2, family: -3, member: 0, card: SeedHernandesCard, cpf: "23576483098", chave: "23576483098",
			name: "HERNANDES ALVES DA SILVA", social: "MARIA HERNANDES", male: true, birth: day(2001, time.June, 15),
			rg: "", idMatricula: "789-012-345", mother: "TESTE", phone: "11987654321",
			email: "hernandes.silva@exemplo.com.br", situation: model.SituationActive, civil: "Solteiro(a)",
			kinship: kinTitular, graupa: "01", tipusu: "T", emp: 1008, company: -2, companyName: seedCompany,
			conemp: "000000000001", subcon: "000000003", subconDesc: "SUBCONTRATO USO GERAL",
			planCode: "1001", planName: "EMPRESARIAL 200 QC NACIONAL", inclusion: day(2022, time.January, 1),
			contracts: []model.ContractRef{{Number: "000000000001", Description: seedCompany + " - COLETIVO EMPRESARIAL"}},
			literal: map[string]any{
				"ba1_cpfusr": "23576483098", "ba1_drgusr": "", "ba1_nomusr": "HERNANDES ALVES DA SILVA",
				"ba1_datnas": "2001-06-15", "ba1_sexo": "1", "ba1_estciv": "Solteiro(a)", "ba1_mae": "TESTE",
				"ba1_endere": "", "ba1_comend": "", "ba1_bairro": "", "ba1_munici": "", "ba1_estado": "",
				"ba1_pai": "", "ba1_datblo": "", "ba1_motblo": "", "ba1_nomsoc": "MARIA HERNANDES",
				"ba3_codemp": "1008", "ba3_desemp": seedCompany, "ba3_conemp": "000000000001",
				"ba3_vercon": "001", "ba3_subcon": "000000003", "ba3_versub": "001",
				"ba3_dessub": "SUBCONTRATO USO GERAL", "situation": "Ativo", "card": SeedHernandesCard,
			},
		},
		{
			index: 3, family: -3, member: 1, card: SeedFabianaCard, cpf: "41823957609", chave: "41823957609",
			name: "FABIANA SOPHIA MELO", male: false, birth: day(2000, time.March, 22), rg: "4.567.890",
			idMatricula: "789-012-346", mother: "ROSANA MELO", father: "CARLOS MELO", phone: "11976543210",
			email: "fabiana.melo@exemplo.com.br", situation: model.SituationActive, civil: "C",
			kinship: kinSpouse, graupa: "02", tipusu: "D", emp: 1008, company: -2, companyName: seedCompany,
			conemp: "000000000001", subcon: "000000003", subconDesc: "SUBCONTRATO USO GERAL",
			planCode: "1001", planName: "EMPRESARIAL 200 QC NACIONAL", inclusion: day(2022, time.January, 1),
			contracts: []model.ContractRef{{Number: "000000000001", Description: seedCompany + " - COLETIVO EMPRESARIAL"}},
		},
	}
}

// seedProtocols are the protocols of Mosia's ultimosProtocolos example verbatim, keyed by chaveUnica (newest first).
func seedProtocols() map[string][]mosia.Protocol {
	pat := "Patrick Oliveira Cabral"
	withKey := mosia.Person{Nome: pat + " - " + SeedPatrick, ChaveUnica: SeedPatrick}
	plain := mosia.Person{Nome: pat, ChaveUnica: SeedPatrick}
	return map[string][]mosia.Protocol{SeedPatrick: {
		{Protocolo: "1111120240710000017", TipoOcorrencia: mosia.IDDesc{ID: "171", Descricao: "Atendimento Ativo"},
			DataRegistro: "1720625728313", DataAtualizacao: "1720625728896",
			Status:  mosia.IDDesc{ID: "386", Descricao: "Em Atendimento (externo)"},
			Assunto: mosia.Assunto{Descricao: "Reembolso exame", Present: true}, Beneficiario: withKey, Solicitante: withKey},
		{Protocolo: "1111120240710000015", TipoOcorrencia: mosia.IDDesc{ID: "171", Descricao: "Atendimento Ativo"},
			DataRegistro: "1720621909235", DataAtualizacao: "1720621909743",
			Status:  mosia.IDDesc{ID: "386", Descricao: "Em Atendimento (externo)"},
			Assunto: mosia.Assunto{Descricao: "Reembolso exame", Present: true}, Beneficiario: withKey, Solicitante: withKey},
		{Protocolo: "1111120240709000003", TipoOcorrencia: mosia.IDDesc{ID: "155", Descricao: "Auto-atendimento"},
			DataRegistro: "1720537243091", DataAtualizacao: "1720537243091",
			Status:  mosia.IDDesc{ID: "310", Descricao: "Realizado"},
			Assunto: mosia.Assunto{}, Beneficiario: plain, Solicitante: plain},
	}}
}
