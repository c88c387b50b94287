package fleet

import (
	"context"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// ModeOf sets each target's run mode: a Production profile stops after its token
// (no API call, no session), the other runs every step; and a token-only profile of a
// Trusted App never holds its session, so the full one after it makes its calls.
func TestRunModeOf(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	prod := target(t, s, "healthy", "prod")
	prod.Profile.Environment = profiles.EnvProduction
	test := target(t, s, "healthy", "test")
	o := Options{Parallel: 2, Run: check.Options{Cache: check.NewTokenCache()},
		ModeOf: func(p profiles.Profile) check.Mode {
			if profiles.IsProduction(p.Environment) {
				return check.NoAPI
			}
			return check.AllSteps
		}}
	got := collect(t, context.Background(), []Target{prod, test}, o, nil)
	calls := func(r check.Report) (n int) {
		for _, st := range r.Steps {
			if st.Kind == check.StepAPI && st.Verdict != check.Skipped {
				n++
			}
		}
		return n
	}
	if p := got[0].Report; p.Verdict != check.Pass || calls(p) != 0 || (p.Session != nil && p.Session.State != check.SessionNone) {
		t.Errorf("production: verdict %s, %d calls, session %+v", p.Verdict, calls(p), p.Session)
	}
	if r := got[1]; r.Report.Verdict != check.Pass || calls(r.Report) == 0 || r.SessionHeldBy != "" {
		t.Errorf("test: verdict %s, %d calls, session held by %q", r.Report.Verdict, calls(r.Report), r.SessionHeldBy)
	}
}
