package outbox

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"os"
	"time"
)

// The test hooks (BALCAO_OUTBOX_TESTHOOK): a string compare per step when unset; never used in production.

// hookAt writes the marker and blocks forever when the hook is set to point.
func (s *Sender) hookAt(point, id string) {
	if s.hook != point {
		return
	}
	hookBlock(point, id)
}

// hookSendTrace arms the after-send hook: the marker is written once the request is on the wire.
func (s *Sender) hookSendTrace(ctx context.Context, id string) context.Context {
	if s.hook != hookAfterSend {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { hookMarker(hookAfterSend, id) },
	})
}

// hookAfterCall blocks, under the after-send hook, before anything of the answer is stored.
func (s *Sender) hookAfterCall(id string) {
	if s.hook != hookAfterSend {
		return
	}
	hookSleep()
}

func hookBlock(point, id string) {
	hookMarker(point, id)
	hookSleep()
}

func hookMarker(point, id string) {
	fmt.Fprintf(os.Stderr, "%s reached=%s item=%s\n", TestHookEnv, point, id)
}

func hookSleep() {
	for {
		time.Sleep(time.Hour)
	}
}
