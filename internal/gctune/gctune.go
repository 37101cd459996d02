// Package gctune sets the garbage collector's target for a process that serves the beneficiary directory.
package gctune

import (
	"os"
	"runtime/debug"
)

// servicePercent is the garbage collector's target (GOGC) of a process that serves the directory.
const servicePercent = 200

// Tighten sets the garbage collector's target to GOGC=200, unless GOGC is set. The directory's name index is
// mapped from its file, outside the Go heap: a service's heap is its requests' garbage and a few caches, tens
// of MB, so at Go's default of 100% it would collect every few MB of garbage, many times a second under
// load, each time stopping every request briefly. Twice the heap of garbage between collections costs
// little memory and takes the collector out of the latency tail.
func Tighten() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(servicePercent)
	}
}
