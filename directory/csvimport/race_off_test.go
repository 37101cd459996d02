//go:build !race

package csvimport_test

// raceEnabled: the race detector multiplies the memory a process takes.
const raceEnabled = false
