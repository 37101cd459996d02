package outbox

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"os"
	"time"
)

// The crash test hooks: a test makes a sender write a marker at a point of its work and then block forever, so a
// test can SIGKILL it exactly there. They exist only in test builds: hookPoint is set by export_test.go, which
// only `go test` compiles; in a binary it is nil and the hooks are a string compare on "" per step.

// hookPoint, in test builds, reads the point the test asked for; otherwise it says none ("").
var hookPoint = func() string { return "" }

// hookMarkerText starts what the sender writes at an armed point.
const hookMarkerText = "outbox test hook reached="

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
	fmt.Fprintf(os.Stderr, "%s%s item=%s\n", hookMarkerText, point, id)
}

func hookSleep() {
	for {
		time.Sleep(time.Hour)
	}
}
