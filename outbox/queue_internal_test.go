package outbox

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func TestProtocolTakenIsRecognised(t *testing.T) {
	ctx := context.Background()
	q, err := Open(filepath.Join(t.TempDir(), "o.db"))
	require.NoError(t, err)
	defer q.Close()
	a, _ := q.Submit(ctx, "a", model.Occurrence{TypeID: 1})
	b, _ := q.Submit(ctx, "a", model.Occurrence{TypeID: 1})
	require.NoError(t, q.MarkSent(ctx, a.ID, "P1", time.Now()))
	err = q.MarkSent(ctx, b.ID, "P1", time.Now())
	require.ErrorIs(t, err, ErrProtocolTaken)
}
