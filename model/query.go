package model

// IDKind names an exact identifier a search criterion may match.
type IDKind int

// The identifier kinds the directory indexes.
const (
	IDCPF        IDKind = iota + 1 // 11 digits, valid CPF
	IDChaveUnica                   // Mosia's key, matched exactly (digits-only when numeric)
	IDCard                         // 17-digit TOTVS card
	IDPhone                        // DDD+number digits (or number alone)
	IDContract                     // numero_contrato, matched exactly (digits-only terms also ignoring leading zeros)
	IDMatricula                    // the operator's registration id (id_matricula), matched ignoring case and punctuation
)

// Identifier is one exact criterion: it matches when any of its kinds equals Value.
type Identifier struct {
	Value string
	Kinds []IDKind
}

// Query is a directory search: every part given is AND-ed.
type Query struct {
	Words      []string     // folded name words, each a prefix, in any order
	IDs        []Identifier // exact identifiers
	BirthDate  string       // YYYY-MM-DD
	InvalidCPF string       // the term looked like a CPF but its check digits fail (digits); still searched as chaveUnica
}

// Empty reports whether the query names no criterion.
func (q Query) Empty() bool { return len(q.Words) == 0 && len(q.IDs) == 0 && q.BirthDate == "" }
