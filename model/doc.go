// Package model holds balcão's domain and nothing else: beneficiaries and their contracts, family, grace
// periods, protocols and occurrences; the identifiers (CPF, card, chaveUnica, phone, matrícula, contract number)
// in one module; dates; the classification of a free search term; masks for logs. It does no I/O and knows no
// vendor's wire format: the clients convert to and from these types.
package model
