package server

import (
	"os"
	"runtime/debug"
)

// ServiceGCPercent is the garbage collector's target (GOGC) of a process that serves the directory.
const ServiceGCPercent = 25

// TightenGC sets the garbage collector's target to ServiceGCPercent, unless GOGC is set, and reports
// whether it did. A service's heap is mostly the directory's name index, which lives as long as the
// process: with Go's default of 100%, the requests' garbage could grow as large as the whole index before
// a collection. The index holds few pointers, so collecting more often costs little.
func TightenGC() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(ServiceGCPercent)
	return true
}
