package model

// Beneficiary is one person of the directory, with every contract they hold.
type Beneficiary struct {
	ChaveUnica  string        `json:"chaveUnica"` // Mosia's key; the CPF by default, not always a valid one
	Card        string        `json:"card"`       // TOTVS subscriberId, 17 digits
	CPF         string        `json:"cpf"`        // digits only
	Name        string        `json:"name"`
	BirthDate   string        `json:"birthDate"` // YYYY-MM-DD or empty
	RG          string        `json:"rg"`
	IDMatricula string        `json:"idMatricula"` // the operator's own registration id (buscaBeneficiarios' id_matricula)
	MotherName  string        `json:"motherName"`
	Phone       string        `json:"phone"` // digits only
	Email       string        `json:"email"`
	Situation   string        `json:"situation"` // Ativo, Bloqueado or Bloqueio Futuro
	Contracts   []ContractRef `json:"contracts"`
}

// ContractRef is a contract a beneficiary holds, as the directory knows it.
type ContractRef struct {
	Number      string `json:"numero_contrato"`
	Description string `json:"contrato_descricao"`
}

// Match is one search result row: a beneficiary under one of their contracts.
type Match struct {
	Beneficiary Beneficiary
	Contract    ContractRef
	Score       float64 // higher is better; exact identifiers rank above names
	Origin      Origin  // where the row came from: the directory unless marked
}

// Origin is where a search result came from.
type Origin int

// Origins of a search result.
const (
	OriginDirectory Origin = iota // balcão's own directory
	OriginTOTVS                   // the health-plan system, asked because the directory found nobody
)
