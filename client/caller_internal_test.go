package client

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := &Caller{wait: 100 * time.Millisecond, maxWait: time.Second}
	for attempt, hi := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		hi *= time.Millisecond
		for range 50 {
			d := c.backoff(attempt, nil)
			require.GreaterOrEqual(t, d, hi/2, "attempt %d", attempt)
			require.LessOrEqual(t, d, hi, "attempt %d", attempt)
		}
	}
}
