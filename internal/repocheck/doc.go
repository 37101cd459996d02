// Package repocheck holds tests about the repository itself rather than about a package: today, that nothing in it
// cites documents a reader of the repository cannot open. It has no code of its own.
package repocheck
