package outbox_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
)

// Environment of the helper process.
const (
	helperEnv      = "BALCAO_OUTBOX_HELPER"
	helperDBEnv    = "BALCAO_OUTBOX_HELPER_DB"
	helperMosiaEnv = "BALCAO_OUTBOX_HELPER_MOSIA"
	childLease     = time.Second
)

// TestHelperProcess is not a test: the crash tests run it as a child sender (the standard helper-process pattern).
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process of the crash tests")
	}
	box, err := outbox.Open(os.Getenv(helperDBEnv))
	if err != nil {
		t.Fatal(err)
	}
	m := newMosia(os.Getenv(helperMosiaEnv), sandbox.DefaultMosiaToken)
	s := outbox.NewSender(box, m, outbox.Options{Owner: "child", MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond, Lease: childLease, PollInterval: 20 * time.Millisecond,
		SubjectName: subjectName(sandbox.DefaultCatalogue())})
	_ = s.Run(context.Background()) // until SIGKILL
}

// startChild runs a sender in a child process with the hook at point and SIGKILLs it once the hook is reached.
// It returns the id of the item the child was working on.
func startChild(t *testing.T, r *rig, point string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperDBEnv+"="+r.path, helperMosiaEnv+"="+r.sb.MosiaURL(),
		outbox.TestHookEnv+"="+point)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	marker := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, outbox.TestHookMarker+point+" ") {
				marker <- line
				break
			}
		}
		for sc.Scan() { // keep draining so the child never blocks on a full pipe
		}
	}()
	var line string
	select {
	case line = <-marker:
	case <-time.After(settle):
		t.Fatalf("child never reached hook %s", point)
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred code, no flush, nothing
	killed = true
	_ = cmd.Wait()
	_, id, ok := strings.Cut(line, " item=")
	require.True(t, ok, line)
	return strings.TrimSpace(id)
}

func TestCrashAtEveryPointLosesNothingAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	tests := []struct {
		point       string
		createdLost int  // occurrences of the killed item already in the sandbox when the child dies (-1: 0 or 1)
		dedup       bool // the restart must find it by the duplicate check
	}{
		{"before-send", 0, false},
		{"after-send", -1, false},
		{"after-answer", 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.point, func(t *testing.T) {
			r := newRig(t, sandbox.Faults{})
			items := r.submit(t, r.box, 0, 3)
			id := startChild(t, r, tc.point)

			killed, err := r.box.Get(context.Background(), id)
			require.NoError(t, err)
			assert.NotEqual(t, outbox.Sent, killed.State, "the child died before storing anything")
			already := 0
			for _, c := range r.sb.Created() {
				if c.ChaveUnica == killed.ChaveUnica() {
					already++
				}
			}
			if tc.createdLost >= 0 {
				assert.Equal(t, tc.createdLost, already, "created in Mosia before the kill")
			}
			assert.Equal(t, tc.point != "before-send", killed.Uncertain, "attempt recorded before the POST")

			// A fresh sender on the same file finishes the job once the dead child's lease expires.
			s := r.sender(r.box, r.testOptions("restart"))
			events := collect(s)
			run(t, s)
			waitDone(t, r.box)
			assertExactlyOnce(t, r, r.box, items)
			waitSent(t, len(items), events)
			var found bool
			for _, e := range events.all() {
				if e.ItemID == id && e.Kind == outbox.EventSent {
					found = e.Deduplicated
				}
			}
			if tc.dedup || already == 1 {
				assert.True(t, found, "the occurrence the child created was found, not resent")
			} else {
				assert.False(t, found)
			}
			t.Logf("%s: killed on item %s (created before kill: %d); after restart all 3 sent exactly once",
				tc.point, id, already)
		})
	}
}

// The same crash points for follow-ups: a note then a closing on Patrick's protocol, the child killed while on
// the note. After a restart the note is in Mosia once and the closing is applied once, after it.
func TestFollowUpCrashAtEveryPointAppliesEachOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	for _, point := range []string{"before-send", "after-send", "after-answer"} {
		t.Run(point, func(t *testing.T) {
			r := newRig(t, sandbox.Faults{})
			items := r.follow(t, note(patrickProtocol, "Beneficiário confirmou os dados bancários.", true),
				closing(patrickProtocol, sandbox.SeedPatrick))
			id := startChild(t, r, point)
			require.Equal(t, items[0].ID, id, "the closing waits for the note")
			killed, err := r.box.Get(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, point != "before-send", killed.Uncertain, "attempt recorded before the call")
			before := len(r.record(t, patrickProtocol).Notes)
			if point == "after-answer" {
				assert.Equal(t, 1, before, "Mosia answered: it has the note")
			}
			if point == "before-send" {
				assert.Zero(t, before)
			}

			s := r.sender(r.box, r.testOptions("restart"))
			run(t, s)
			waitDone(t, r.box)
			assertAllSent(t, r.box, items)
			rec := r.record(t, patrickProtocol)
			assert.Equal(t, []string{"anotacao", "status"}, rec.Applied, "each once, in order")
			require.Len(t, rec.Notes, 1)
			assert.Equal(t, "Beneficiário confirmou os dados bancários.", rec.Notes[0].Text)
			t.Logf("%s: killed on the note (in Mosia before the kill: %d); after restart one note, one closing", point, before)
		})
	}
}
