package outbox

import "os"

// TestHookEnv names the environment variable that arms a crash test hook in a test build's child process:
// before-send, after-send or after-answer (see hook.go). Only test builds read it.
const TestHookEnv = "BALCAO_OUTBOX_TESTHOOK"

// TestHookMarker starts the line a child process writes when it reaches the armed point.
const TestHookMarker = hookMarkerText

func init() { hookPoint = func() string { return os.Getenv(TestHookEnv) } }
