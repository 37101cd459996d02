package model

// Situation values of a beneficiary (TOTVS derives them from the block date).
const (
	SituationActive      = "Ativo"
	SituationBlocked     = "Bloqueado"
	SituationFutureBlock = "Bloqueio Futuro"
)

// Contract is a beneficiary's contract as the health-plan system holds it: the facts the console summarises, and
// every field laid out in titled sections, rendered for display.
type Contract struct {
	Card        string // 17 digits
	CPF         string // digits
	Name        string
	SocialName  string
	BirthDate   string // YYYY-MM-DD, or as it came when unreadable
	MotherName  string
	Situation   string // Ativo, Bloqueado, Bloqueio Futuro
	BlockDate   string // YYYY-MM-DD, "" when not blocked
	BlockReason string
	Plan        string // the plan/product, as described
	Company     string // the group/company (employer) description
	Number      string // the company contract number
	Subcontract string // the subcontract description
	Sections    []Section
}

// Section is a titled group of contract fields, in display order.
type Section struct {
	Title  string
	Fields []Field
}

// Field is one labelled value, already rendered for display ("" when empty).
type Field struct {
	Label string
	Value string
}

// Family is the beneficiaries of one family (a holder and dependents), in the order the plan lists them.
type Family struct {
	Members []FamilyMember
}

// FamilyMember is one beneficiary of a family.
type FamilyMember struct {
	Card      string
	Name      string
	Kinship   string
	Situation string
}

// GraceClasses are a beneficiary's grace periods by class of procedure. With Transfer (the beneficiary came
// from another plan), each class has a previous and a current network's end and status instead of one.
type GraceClasses struct {
	Transfer bool
	Items    []GraceClass
	More     bool // the plan has more than it sent
}

// GraceClass is one class's grace period.
type GraceClass struct {
	Code        string
	Description string
	End         string // without transfer; dates are YYYY-MM-DD, or as they came when unreadable
	Status      string
	PrevEnd     string // with transfer: the previous plan's network
	PrevStatus  string
	CurEnd      string // with transfer: the current plan's network
	CurStatus   string
}

// GraceGroups are a beneficiary's grace periods by group of procedures.
type GraceGroups struct {
	Items []GraceGroup
	More  bool // the plan has more than it sent
}

// GraceGroup is one group's grace period.
type GraceGroup struct {
	Code        string
	Description string
	Date        string
	Status      string
}
