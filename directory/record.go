package directory

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/balcao/balcao/model"
)

// A beneficiary's fields are stored together in one column (rec), so a search reads one row per match and
// decodes it in Go, and a bulk build binds two values per row instead of a dozen. Birth date, phone,
// chaveUnica, card and CPF come last: records of files of layouts 1 to 3 end before them (the file's columns
// held them).

// errRecCorrupt is a stored record that cannot be decoded.
var errRecCorrupt = errors.New("directory: corrupt beneficiary record")

// recFields are the record's strings in order.
func recFields(b *model.Beneficiary) [6]*string {
	return [6]*string{&b.Name, &b.RG, &b.IDMatricula, &b.MotherName, &b.Email, &b.Situation}
}

// appendRec appends b's record (contracts in number order) to dst: length-prefixed strings, the contract
// count, number and description of each, then birth date, phone, chaveUnica, card and CPF.
func appendRec(dst []byte, b *model.Beneficiary) []byte {
	for _, f := range recFields(b) {
		dst = binary.AppendUvarint(dst, uint64(len(*f)))
		dst = append(dst, *f...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(b.Contracts)))
	cs := b.Contracts
	if !slices.IsSortedFunc(cs, contractOrder) {
		cs = slices.SortedFunc(slices.Values(cs), contractOrder)
	}
	for _, c := range cs {
		dst = binary.AppendUvarint(dst, uint64(len(c.Number)))
		dst = append(dst, c.Number...)
		dst = binary.AppendUvarint(dst, uint64(len(c.Description)))
		dst = append(dst, c.Description...)
	}
	for _, f := range [...]string{b.BirthDate, b.Phone, b.ChaveUnica, b.Card, b.CPF} {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// recSize is the length of b's record (see appendRec), at most 3 bytes over for long fields.
func recSize(b *model.Beneficiary) int {
	n := 1 + 11
	for _, f := range recFields(b) {
		n += len(*f) + 1
	}
	for _, c := range b.Contracts {
		n += len(c.Number) + len(c.Description) + 2
	}
	for _, f := range [...]string{b.BirthDate, b.Phone, b.ChaveUnica, b.Card, b.CPF} {
		n += len(f)
	}
	return n
}

func contractOrder(x, y model.ContractRef) int { return strings.Compare(x.Number, y.Number) }

// decodeRec fills b's fields and contracts from rec; a record of a file of layouts 1 to 3 ends before birth
// date, phone, chaveUnica, card and CPF, which are then left as they are.
func decodeRec(rec []byte, b *model.Beneficiary) error {
	str := func() (string, bool) {
		l, k := binary.Uvarint(rec)
		if k <= 0 || l > uint64(len(rec)-k) {
			return "", false
		}
		s := string(rec[k : k+int(l)])
		rec = rec[k+int(l):]
		return s, true
	}
	for _, f := range recFields(b) {
		s, ok := str()
		if !ok {
			return errRecCorrupt
		}
		*f = s
	}
	n, k := binary.Uvarint(rec)
	if k <= 0 || n > uint64(len(rec)) {
		return errRecCorrupt
	}
	rec = rec[k:]
	b.Contracts = nil
	if n > 0 {
		b.Contracts = make([]model.ContractRef, n)
	}
	for i := range b.Contracts {
		num, ok1 := str()
		desc, ok2 := str()
		if !ok1 || !ok2 {
			return errRecCorrupt
		}
		b.Contracts[i] = model.ContractRef{Number: num, Description: desc}
	}
	if len(rec) == 0 { // written by layouts 1 to 3
		return nil
	}
	for _, f := range [...]*string{&b.BirthDate, &b.Phone, &b.ChaveUnica, &b.Card, &b.CPF} {
		s, ok := str()
		if !ok {
			return errRecCorrupt
		}
		*f = s
	}
	if len(rec) != 0 {
		return errRecCorrupt
	}
	return nil
}
