package compare

import (
	"fmt"

	"trustedapp-tester/check"
)

// FreshLabel names a side that is a fresh run of a profile made now: `"Test", fresh
// run 1a2b3c4d`.
func FreshLabel(s check.RunSummary) string {
	return fmt.Sprintf("%q, fresh run %s", s.Profile, s.ID)
}

// HistoryLabel names a side that is a run from History: `"Test", run 1a2b3c4d of
// 2026-12-01 10:02:05 from History` (local time).
func HistoryLabel(s check.RunSummary) string {
	return fmt.Sprintf("%q, run %s of %s from History", s.Profile, s.ID, s.Started.Local().Format("2006-01-02 15:04:05"))
}
