// Package i18n is balcão's one catalogue of user-visible text, in pt-BR.
// Each area keeps its strings in its own file (search.go, client.go, server.go, …);
// code never writes a user-visible literal elsewhere.
package i18n
