package check

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any test leaves a goroutine behind: a run's
// connections, timers and transport must all end with it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
