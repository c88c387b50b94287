package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/report"
)

// Every output states the session cost: a first run opens a session, a second run
// with the cached token reuses it. The cached token itself appears in none of them.
func TestReportsStateTheSessionCost(t *testing.T) {
	s := startSandbox(t)
	sc, _ := s.Scenario("healthy")
	p := profileFor(sc)
	cache := check.NewTokenCache()
	first := check.Run(context.Background(), p, sc.ClientSecret, check.Options{Cache: cache}, nil)
	second := check.Run(context.Background(), p, sc.ClientSecret, check.Options{Cache: cache}, nil)
	for _, tc := range []struct {
		r    check.Report
		want string
	}{
		{first, "This run opened a new ERP.net session at "},
		{second, "This run reused the ERP.net session an earlier run opened at "},
	} {
		d := report.Build(tc.r, p)
		var text, md, js, junit bytes.Buffer
		if err := report.WriteJUnit(&junit, []report.Document{d}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(junit.String(), `<property name="session_summary" value="`+tc.want) {
			t.Errorf("JUnit lacks the session summary:\n%s", junit.String())
		}
		if err := report.WriteText(&text, d); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteMarkdown(&md, d); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteJSON(&js, d); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "\nSession:   "+tc.want) {
			t.Errorf("text lacks the session line %q:\n%s", tc.want, text.String())
		}
		if !strings.Contains(md.String(), "## ERP.net session and licence\n\n"+tc.want) {
			t.Errorf("markdown lacks the session section:\n%s", md.String())
		}
		var doc struct {
			Session struct {
				State, Summary, TokenReuse string
				HoldsUntil                 string `json:"holds_until"`
			} `json:"session"`
		}
		if err := json.Unmarshal(js.Bytes(), &doc); err != nil || !strings.HasPrefix(doc.Session.Summary, tc.want) || doc.Session.HoldsUntil == "" {
			t.Errorf("JSON session: %v %+v", err, doc.Session)
		}
		for _, out := range []string{text.String(), md.String(), js.String(), junit.String()} {
			if strings.Contains(out, tc.r.Access.Reveal()) {
				t.Error("the token appears in a report")
			}
		}
	}
}
