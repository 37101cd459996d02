package server

import (
	"os"
	"runtime/debug"
)

// serviceGCPercent is the garbage collector's target (GOGC) of a process that serves the directory.
const serviceGCPercent = 25

// TightenGC sets the garbage collector's target to serviceGCPercent, unless GOGC is set. A service's heap is mostly the directory's name index, which lives as long as the
// process: with Go's default of 100%, the requests' garbage could grow as large as the whole index before
// a collection. The index holds few pointers, so collecting more often costs little.
func TightenGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serviceGCPercent)
	}
}
