package check

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	s, hp, rep := healthyToken(t)
	sum := Summarize(rep)
	if !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(sum.ID) || sum.ID == Summarize(rep).ID {
		t.Errorf("id %q (must be random)", sum.ID)
	}
	if sum.Profile != hp.Name || sum.ClientID != hp.ClientID || sum.Instance != strings.TrimRight(hp.InstanceURL, "/") || sum.SystemUser != "svc-import" ||
		sum.SystemUserType != "ApplicationUserNoLogin" || sum.Database == "" || sum.TokenKind != "jwt" ||
		strings.Join(sum.ScopesGranted, " ") != "read update" || strings.Join(sum.ScopesRequested, " ") != "read update" || len(sum.Steps) != len(rep.Steps) {
		t.Errorf("summary %+v", sum)
	}
	// The instance's version (reachability) and the token's lifetime, for drift.
	if sum.Version == "" || sum.Version != versionOf(rep) || sum.TokenLifetimeS != rep.Token.ExpiresIn || sum.TokenLifetimeS <= 0 {
		t.Errorf("version %q (reported %q), token lifetime %d (token %d)", sum.Version, versionOf(rep), sum.TokenLifetimeS, rep.Token.ExpiresIn)
	}
	// When the token stops working and what the calls cost, for the fleet view.
	if want := rep.Claims.Expires.UTC(); !sum.TokenExpires.Equal(want) || sum.TokenExpires.IsZero() {
		t.Errorf("token expires %v, want %v", sum.TokenExpires, want)
	}
	if rep.Session == nil || sum.Session != rep.Session.State || sum.Session == "" || !sum.SessionHoldsUntil.Equal(rep.Session.HoldsUntil) {
		t.Errorf("session %q until %v, report %+v", sum.Session, sum.SessionHoldsUntil, rep.Session)
	}
	// No token: the requested scopes come from the request itself.
	sc, _ := s.Scenario("scope-not-allowed")
	bad := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
	sum = Summarize(bad)
	if strings.Join(sum.ScopesRequested, " ") != "read update" || len(sum.ScopesGranted) != 0 || sum.Verdict != Fail || sum.TokenLifetimeS != 0 || !sum.TokenExpires.IsZero() ||
		sum.Steps[2].Status != 400 || sum.Findings[len(sum.Findings)-1].Code != TokInvalidScope {
		t.Errorf("failed run summary %+v", sum)
	}
	b, _ := json.Marshal(sum)
	if strings.Contains(string(b), sc.ClientSecret) || !strings.Contains(string(b), `"scopes_granted":[]`) {
		t.Errorf("summary JSON %s", b)
	}
	// The record's hash row keeps only whether it fits.
	sum.SetRecord([]RecordCheck{
		{Field: "ApplicationSecretHash", Actual: ApplicationSecretHash("x"), State: RecordOK},
		{Field: "Scope", Actual: "read", State: RecordBad},
	})
	if sum.Record[0].Value != "matches the profile's secret" || sum.Record[1].Value != "read" || strings.Contains(string(mustJSON(sum)), ApplicationSecretHash("x")) {
		t.Errorf("record %+v", sum.Record)
	}
}

// versionOf is the version the reachability step's reach.ok finding names.
func versionOf(r Report) string {
	for _, st := range r.Steps {
		for _, f := range st.Findings {
			if f.Code == ReachOK {
				return f.Evidence[EvVersion]
			}
		}
	}
	return ""
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }
