package config

// DefaultCatalogue is the realistic catalogue the embedded sandbox ships (ids match the sandbox's Mosia).
func DefaultCatalogue() Catalogue {
	return Catalogue{
		IDFuncionalidade: 9298,
		Types: []OccurrenceType{
			{ID: 128, Name: "Solicitação", Default: true, Subjects: []Subject{
				{ID: 173, Name: "Atualização cadastral", Default: true},
				{ID: 309, Name: "Reembolso exame"},
				{ID: 310, Name: "Segunda via de carteirinha"},
				{ID: 311, Name: "Autorização de procedimento"},
			}},
			{ID: 171, Name: "Atendimento Ativo", Subjects: []Subject{
				{ID: 309, Name: "Reembolso exame", Default: true},
				{ID: 312, Name: "Retorno de contato"},
			}},
			{ID: 469, Name: "Reclamação", Subjects: []Subject{
				{ID: 320, Name: "Atendimento na rede credenciada", Default: true},
				{ID: 321, Name: "Demora na autorização"},
				{ID: 322, Name: "Cobrança indevida"},
			}},
			{ID: 470, Name: "Informação", Subjects: []Subject{
				{ID: 330, Name: "Carências", Default: true},
				{ID: 331, Name: "Cobertura do plano"},
				{ID: 332, Name: "Rede credenciada"},
			}},
		},
		Forms: []FormDef{
			{ID: "64dcd2b1342146345191ee00", Name: "Atualização de contato", Fields: []FormField{
				{Key: "seu-nome", Label: "Nome", Kind: FieldText, Required: true},
				{Key: "email", Label: "E-mail", Kind: FieldEmail},
				{Key: "telefone", Label: "Telefone", Kind: FieldPhone},
				{Key: "tipo", Label: "Tipo", Kind: FieldSelect, Options: []string{"Sugestão", "Elogio", "Crítica"}},
			}},
		},
	}
}
