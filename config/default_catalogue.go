package config

// DefaultCatalogue is the demonstration catalogue: the ids the embedded sandbox accepts. Production must configure
// its own ([catalogo] in the config file): Mosia has no endpoint to list them.
func DefaultCatalogue() Catalogue {
	return Catalogue{
		IDFuncionalidade: 9298,
		Types: []OccurrenceType{
			{ID: 128, Name: "Solicitação", Default: true, Subjects: []Subject{
				{ID: 173, Name: "Atualização cadastral", Default: true}, {ID: 174, Name: "Segunda via de boleto"},
				{ID: 175, Name: "Segunda via de carteirinha"}, {ID: 176, Name: "Inclusão de dependente"},
				{ID: 177, Name: "Autorização de procedimento"}}},
			{ID: 171, Name: "Atendimento Ativo", Subjects: []Subject{
				{ID: 309, Name: "Reembolso exame"}, {ID: 310, Name: "Reembolso consulta"}, {ID: 311, Name: "Boas-vindas"}}},
			{ID: 469, Name: "Reclamação", Subjects: []Subject{
				{ID: 309, Name: "Reembolso exame"}, {ID: 401, Name: "Demora no atendimento"},
				{ID: 402, Name: "Rede credenciada"}, {ID: 403, Name: "Negativa de cobertura"}}},
			{ID: 155, Name: "Auto-atendimento"},
			{ID: 180, Name: "Informação", Subjects: []Subject{
				{ID: 501, Name: "Carências"}, {ID: 502, Name: "Cobertura do plano"}, {ID: 503, Name: "Rede credenciada"}}},
			{ID: 190, Name: "Cancelamento", Subjects: []Subject{
				{ID: 601, Name: "Cancelamento de plano"}, {ID: 602, Name: "Exclusão de dependente"}}},
		},
		Forms: []FormDef{{
			ID: "64dcd2b1342146345191ee00", Name: "Atualização cadastral",
			Fields: []FormField{
				{Key: "seu-nome", Label: "Nome completo", Kind: FieldText, Required: true},
				{Key: "cpf", Label: "CPF", Kind: FieldCPF, Required: true},
				{Key: "email", Label: "E-mail", Kind: FieldEmail},
				{Key: "telefone", Label: "Telefone", Kind: FieldPhone},
				{Key: "tipo", Label: "Tipo", Kind: FieldSelect, Required: true, Options: []string{"Elogio", "Sugestão", "Reclamação"}},
			},
		}},
		Statuses: []StatusDef{{ID: 101, Name: "Aberto"}, {ID: 386, Name: "Em Atendimento (externo)"},
			{ID: 102, Name: "Aguardando Beneficiário"}, {ID: 310, Name: "Realizado", Closes: true},
			{ID: 249, Name: "Encerrado", Closes: true}},
		Reasons: []ReasonDef{{ID: 2261, Name: "Solicitação atendida"}, {ID: 2262, Name: "Informação prestada"},
			{ID: 2263, Name: "Desistência do beneficiário"}, {ID: 2264, Name: "Improcedente"}},
	}
}
