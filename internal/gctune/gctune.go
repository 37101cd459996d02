// Package gctune sets the garbage collector's target for a process that serves the beneficiary directory.
package gctune

import (
	"os"
	"runtime/debug"
)

// servicePercent is the garbage collector's target (GOGC) of a process that serves the directory.
const servicePercent = 25

// Tighten sets the garbage collector's target to GOGC=25, unless GOGC is set. A service's heap is mostly the
// directory's name index, which lives as long as the process: with Go's default of 100%, the requests' garbage
// could grow as large as the whole index before a collection. The index holds few pointers, so collecting more
// often costs little.
func Tighten() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(servicePercent)
	}
}
