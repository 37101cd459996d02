package sandbox

// Catalogue is the sandbox's occurrence catalogue: types with their subjects, and forms.
type Catalogue struct {
	IDFuncionalidade int
	Types            []OccurrenceType
	Forms            []CatalogueForm
	Statuses         []Status // what PUT …/status accepts as idNovoStatus
	Reasons          []Reason // closing reasons (idMotivoEncerramento)
}

// Status is an occurrence status (idNovoStatus); Closes marks the ones that end the service.
type Status struct {
	ID     int
	Name   string
	Closes bool
}

// Reason is a closing reason (idMotivoEncerramento).
type Reason struct {
	ID   int
	Name string
}

// OccurrenceType is an occurrence type (idTipoOcorrencia) and its subjects (idAssunto).
type OccurrenceType struct {
	ID       int
	Name     string
	Subjects []Subject
}

// Subject is an occurrence subject (assunto).
type Subject struct {
	ID   int
	Name string
}

// CatalogueForm is a form that can be attached to an occurrence.
type CatalogueForm struct {
	ID     string
	Name   string
	Fields []FormField
}

// FormField is one field of a form; Kind is text, email, phone, cpf or select.
type FormField struct {
	Key      string
	Label    string
	Kind     string
	Required bool
	Options  []string
}

// DefaultCatalogue returns the catalogue the sandbox accepts and lists protocols with.
func DefaultCatalogue() Catalogue {
	return Catalogue{
		IDFuncionalidade: 9298,
		Types: []OccurrenceType{
			{ID: 171, Name: "Atendimento Ativo", Subjects: []Subject{
				{309, "Reembolso exame"}, {310, "Reembolso consulta"}, {311, "Boas-vindas"}}},
			{ID: 128, Name: "Solicitação", Subjects: []Subject{
				{173, "Atualização cadastral"}, {174, "Segunda via de boleto"}, {175, "Segunda via de carteirinha"},
				{176, "Inclusão de dependente"}, {177, "Autorização de procedimento"}}},
			{ID: 469, Name: "Reclamação", Subjects: []Subject{
				{309, "Reembolso exame"}, {401, "Demora no atendimento"}, {402, "Rede credenciada"},
				{403, "Negativa de cobertura"}}},
			{ID: 155, Name: "Auto-atendimento", Subjects: nil},
			{ID: 180, Name: "Informação", Subjects: []Subject{
				{501, "Carências"}, {502, "Cobertura do plano"}, {503, "Rede credenciada"}}},
			{ID: 190, Name: "Cancelamento", Subjects: []Subject{
				{601, "Cancelamento de plano"}, {602, "Exclusão de dependente"}}},
		},
		Forms: []CatalogueForm{{
			ID:   "64dcd2b1342146345191ee00",
			Name: "Atualização cadastral",
			Fields: []FormField{
				{Key: "seu-nome", Label: "Nome completo", Kind: "text", Required: true},
				{Key: "cpf", Label: "CPF", Kind: "cpf", Required: true},
				{Key: "email", Label: "E-mail", Kind: "email"},
				{Key: "telefone", Label: "Telefone", Kind: "phone"},
				{Key: "tipo", Label: "Tipo", Kind: "select", Required: true,
					Options: []string{"Elogio", "Sugestão", "Reclamação"}},
			},
		}},
		Statuses: []Status{{ID: 101, Name: "Aberto"}, {ID: 386, Name: "Em Atendimento (externo)"},
			{ID: 102, Name: "Aguardando Beneficiário"}, {ID: 310, Name: "Realizado", Closes: true},
			{ID: 249, Name: "Encerrado", Closes: true}},
		Reasons: []Reason{{ID: 2261, Name: "Solicitação atendida"}, {ID: 2262, Name: "Informação prestada"},
			{ID: 2263, Name: "Desistência do beneficiário"}, {ID: 2264, Name: "Improcedente"}},
	}
}

// statusByID finds a status.
func (c Catalogue) statusByID(id int) (Status, bool) {
	for _, s := range c.Statuses {
		if s.ID == id {
			return s, true
		}
	}
	return Status{}, false
}

// reasonByID finds a closing reason.
func (c Catalogue) reasonByID(id int) (Reason, bool) {
	for _, r := range c.Reasons {
		if r.ID == id {
			return r, true
		}
	}
	return Reason{}, false
}

// subjectID finds a subject's id by its name under the type (0 when none).
func (t OccurrenceType) subjectID(name string) int {
	for _, s := range t.Subjects {
		if s.Name == name {
			return s.ID
		}
	}
	return 0
}

// typeByID finds an occurrence type.
func (c Catalogue) typeByID(id int) (OccurrenceType, bool) {
	for _, t := range c.Types {
		if t.ID == id {
			return t, true
		}
	}
	return OccurrenceType{}, false
}

// subjectName finds a subject's name under a type.
func (t OccurrenceType) subjectName(id int) (string, bool) {
	for _, s := range t.Subjects {
		if s.ID == id {
			return s.Name, true
		}
	}
	return "", false
}
