package directory

import (
	"errors"
	"slices"
	"strings"

	"github.com/balcao/balcao/model"
)

// ErrNoKey means a beneficiary has none of chaveUnica, CPF or card, so it cannot be stored.
var ErrNoKey = errors.New("directory: beneficiary without chaveUnica, cpf or card")

// identity is a beneficiary's identity: chaveUnica (the CPF by default) and card.
type identity struct{ chave, card string }

// identityOf is the identity of a normalised beneficiary.
func identityOf(b *model.Beneficiary) identity { return identity{b.ChaveUnica, b.Card} }

// Normalize cleans a beneficiary as the directory stores it: identifiers as digits, chaveUnica defaulting to
// the CPF, birth date as YYYY-MM-DD, contracts deduplicated by number. It fails with ErrNoKey when no key
// remains.
func Normalize(b model.Beneficiary) (model.Beneficiary, error) {
	b.CPF = model.Digits(b.CPF)
	if c, ok := model.NormalizeCard(b.Card); ok {
		b.Card = c
	} else {
		b.Card = strings.TrimSpace(b.Card)
	}
	b.ChaveUnica = model.NormalizeChave(b.ChaveUnica)
	if b.ChaveUnica == "" {
		b.ChaveUnica = b.CPF
	}
	if b.ChaveUnica == "" && b.Card == "" {
		return b, ErrNoKey
	}
	b.Name = strings.TrimSpace(b.Name)
	if t, ok := model.ParseDate(b.BirthDate); ok {
		b.BirthDate = t.Format("2006-01-02")
	}
	b.Phone, _ = model.PhoneKeys(b.Phone)
	b.Email = strings.TrimSpace(b.Email)
	b.Contracts = mergeContracts(nil, b.Contracts)
	return b, nil
}

// mergeContracts adds contracts to have by number; a non-empty description replaces an older one.
func mergeContracts(have, add []model.ContractRef) []model.ContractRef {
	for _, c := range add {
		c.Number = strings.TrimSpace(c.Number)
		c.Description = strings.TrimSpace(c.Description)
		if c.Number == "" {
			continue
		}
		i := slices.IndexFunc(have, func(h model.ContractRef) bool { return h.Number == c.Number })
		switch {
		case i < 0:
			have = append(have, c)
		case c.Description != "":
			have[i].Description = c.Description
		}
	}
	return have
}

// mergeFields overlays the non-empty fields of b on a (same identity); contracts are merged.
func mergeFields(a, b model.Beneficiary) model.Beneficiary {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&a.CPF, b.CPF)
	set(&a.Name, b.Name)
	set(&a.BirthDate, b.BirthDate)
	set(&a.RG, b.RG)
	set(&a.IDMatricula, b.IDMatricula)
	set(&a.MotherName, b.MotherName)
	set(&a.Phone, b.Phone)
	set(&a.Email, b.Email)
	set(&a.Situation, b.Situation)
	a.Contracts = mergeContracts(a.Contracts, b.Contracts)
	return a
}

// sameFields reports whether two beneficiaries have the same stored fields (contracts aside).
func sameFields(a, b model.Beneficiary) bool {
	a.Contracts, b.Contracts = nil, nil
	return a.ChaveUnica == b.ChaveUnica && a.Card == b.Card && a.CPF == b.CPF && a.Name == b.Name &&
		a.BirthDate == b.BirthDate && a.RG == b.RG && a.IDMatricula == b.IDMatricula &&
		a.MotherName == b.MotherName && a.Phone == b.Phone && a.Email == b.Email && a.Situation == b.Situation
}
