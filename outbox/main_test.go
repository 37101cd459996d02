package outbox_test

import (
	"os"
	"testing"

	"github.com/balcao/balcao/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster of the fleet tests, if they started one.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
