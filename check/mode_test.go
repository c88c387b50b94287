package check

import (
	"context"
	"strings"
	"testing"
)

// TestModes: each mode's steps, for a run that gets a token and for one that does not.
// A mode that lists the calls lists them as skipped when no token was issued, with
// that reason; one that does not list them never does.
func TestModes(t *testing.T) {
	const why = "Skipped: another profile holds the session."
	for _, tc := range []struct {
		name      string
		mode      Mode
		ok, noTok string // kind=verdict of each step, with the right secret and a wrong one
	}{
		{"all steps", AllSteps,
			"reachability=pass,discovery=pass,token=pass,inspect=pass,api=pass,api=pass,api=pass",
			"reachability=pass,discovery=pass,token=fail,inspect=skipped,api=skipped,api=skipped,api=skipped"},
		{"no API", NoAPI,
			"reachability=pass,discovery=pass,token=pass,inspect=pass",
			"reachability=pass,discovery=pass,token=fail,inspect=skipped"},
		{"token only", TokenOnly,
			"discovery=pass,token=pass,inspect=pass",
			"discovery=pass,token=fail,inspect=skipped"},
		{"calls skipped", CallsSkipped(why),
			"reachability=pass,discovery=pass,token=pass,inspect=pass,api=skipped,api=skipped,api=skipped",
			"reachability=pass,discovery=pass,token=fail,inspect=skipped,api=skipped,api=skipped,api=skipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			opts := fresh()
			opts.Mode = tc.mode
			for _, secret := range []string{f.Secret, "wrong"} {
				rep := Run(context.Background(), f.profile(), secret, opts, nil)
				want := tc.ok
				if secret == "wrong" {
					want = tc.noTok
				}
				if got := kindsAndVerdicts(rep); got != want {
					t.Errorf("secret %q:\n got %s\nwant %s", secret, got, want)
				}
				for _, s := range rep.Steps {
					if s.Kind == StepAPI && s.Verdict == Skipped && secret == f.Secret && s.Summary != why {
						t.Errorf("skipped call says %q, want %q", s.Summary, why)
					}
					if s.Kind == StepAPI && secret == "wrong" && s.Summary != "Skipped: no token was issued." {
						t.Errorf("call after a refused token says %q", s.Summary)
					}
				}
			}
		})
	}
}

func kindsAndVerdicts(rep Report) string {
	var out []string
	for _, s := range rep.Steps {
		out = append(out, string(s.Kind)+"="+string(s.Verdict))
	}
	return strings.Join(out, ",")
}

func TestModeNamesAndDefaultReason(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode Mode
		want string
	}{
		{"zero value", Mode{}, "all steps"},
		{"no API", NoAPI, "no API calls"},
		{"token only", TokenOnly, "token only"},
		{"calls skipped", CallsSkipped("Skipped: busy."), "API calls skipped: Skipped: busy."},
		{"calls skipped without a reason", CallsSkipped(""), "API calls skipped: Skipped: the API calls were not run."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.mode.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if (Mode{}) != AllSteps || CallsSkipped("a") == CallsSkipped("b") || CallsSkipped("a") != CallsSkipped("a") {
		t.Error("modes do not compare by steps and reason")
	}
}
