// Package model holds balcão's domain types and pure logic: beneficiaries and
// their contracts, the TOTVS Saúde Planos and Mosia Omnichannel payloads
// (quirks included), CPF, card, phone and date handling, Protheus picture
// rendering and the classification of a free search term. It does no I/O.
package model
