package config

// Catalogue is the operator's occurrence catalogue: Mosia has no public endpoint to list types, subjects, forms,
// statuses or closing reasons.
type Catalogue struct {
	IDFuncionalidade int              `toml:"id_funcionalidade"`
	Types            []OccurrenceType `toml:"tipos"`
	Forms            []FormDef        `toml:"formularios"`
	Statuses         []StatusDef      `toml:"status"`  // what an attendant may set a protocol to (idNovoStatus)
	Reasons          []ReasonDef      `toml:"motivos"` // closing reasons (idMotivoEncerramento)
}

// StatusDef is a Mosia occurrence status an attendant may set; Closes marks the ones that close the protocol
// (the console then asks for an outcome text and a closing reason).
type StatusDef struct {
	ID     int    `toml:"id"`
	Name   string `toml:"nome"`
	Closes bool   `toml:"encerra"`
}

// ReasonDef is a Mosia closing reason.
type ReasonDef struct {
	ID   int    `toml:"id"`
	Name string `toml:"nome"`
}

// StatusByID finds a status of the catalogue.
func (c Catalogue) StatusByID(id int) (StatusDef, bool) {
	for _, s := range c.Statuses {
		if s.ID == id {
			return s, true
		}
	}
	return StatusDef{}, false
}

// ReasonByID finds a closing reason of the catalogue.
func (c Catalogue) ReasonByID(id int) (ReasonDef, bool) {
	for _, r := range c.Reasons {
		if r.ID == id {
			return r, true
		}
	}
	return ReasonDef{}, false
}

// OccurrenceType is a Mosia idTipoOcorrencia with its subjects.
type OccurrenceType struct {
	ID       int       `toml:"id"`
	Name     string    `toml:"nome"`
	Default  bool      `toml:"padrao"`
	Subjects []Subject `toml:"assuntos"`
}

// Subject is a Mosia idAssunto.
type Subject struct {
	ID      int    `toml:"id"`
	Name    string `toml:"nome"`
	Default bool   `toml:"padrao"`
}

// FormDef is a Mosia form (idForm is a Mongo ObjectId string) the attendant may fill.
type FormDef struct {
	ID     string      `toml:"id"`
	Name   string      `toml:"nome"`
	Fields []FormField `toml:"campos"`
}

// FormField kinds.
const (
	FieldText   = "text"
	FieldEmail  = "email"
	FieldPhone  = "phone"
	FieldCPF    = "cpf"
	FieldSelect = "select"
)

// FormField is one field of a form; its Key is the formData key sent to Mosia.
type FormField struct {
	Key      string   `toml:"chave"`
	Label    string   `toml:"rotulo"`
	Kind     string   `toml:"tipo"`
	Required bool     `toml:"obrigatorio"`
	Options  []string `toml:"opcoes"`
}

// DefaultType returns the type marked default, else the first; ok is false for an empty catalogue.
func (c Catalogue) DefaultType() (OccurrenceType, bool) {
	for _, t := range c.Types {
		if t.Default {
			return t, true
		}
	}
	if len(c.Types) == 0 {
		return OccurrenceType{}, false
	}
	return c.Types[0], true
}

// DefaultSubject returns the subject marked default, else the first; ok is false when the type has none.
func (t OccurrenceType) DefaultSubject() (Subject, bool) {
	for _, s := range t.Subjects {
		if s.Default {
			return s, true
		}
	}
	if len(t.Subjects) == 0 {
		return Subject{}, false
	}
	return t.Subjects[0], true
}

// TypeByID finds an occurrence type.
func (c Catalogue) TypeByID(id int) (OccurrenceType, bool) {
	for _, t := range c.Types {
		if t.ID == id {
			return t, true
		}
	}
	return OccurrenceType{}, false
}

// SubjectByID finds a subject of the type.
func (t OccurrenceType) SubjectByID(id int) (Subject, bool) {
	for _, s := range t.Subjects {
		if s.ID == id {
			return s, true
		}
	}
	return Subject{}, false
}
