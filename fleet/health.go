package fleet

import (
	"context"
	"time"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/outbox"
)

// Health is an instance's view of the fleet, for /healthz and `balcao info`.
type Health struct {
	Database       bool  // the database answered
	Generation     int64 // the shared directory's current generation (0 when unknown)
	Local          int64 // the generation this instance's index holds
	SpilledItems   int   // occurrences waiting on this machine for the database
	QueuedAccesses int   // access record lines waiting on this machine for the database
}

// Status gathers what an instance knows; parts it does not run (nil) report zero.
type Status struct {
	Fleet     *Fleet
	Refresher *Refresher
	Spill     *outbox.Spill
	Shipper   *audit.Shipper
}

// Check asks the database (bounded by two seconds) and the local files.
func (s Status) Check(ctx context.Context) Health {
	var h Health
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if g, ok, err := CurrentGeneration(ctx, s.Fleet.Pool); err == nil {
		h.Database = true
		if ok {
			h.Generation = g.Number
		}
	}
	if s.Refresher != nil {
		h.Local = s.Refresher.Local().Number
	}
	if s.Spill != nil {
		h.SpilledItems, _ = s.Spill.Spilled(ctx)
	}
	if s.Shipper != nil {
		h.QueuedAccesses, _ = s.Shipper.Pending(ctx)
	}
	return h
}
