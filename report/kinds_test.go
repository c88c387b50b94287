package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"trustedapp-tester/report"
)

// A reference-token run and a basic run in every format: how they signed in, whom the
// token acts as and when it expires, the Basic user and the move to client
// credentials; never the token or the password.
func TestKindsInEveryFormat(t *testing.T) {
	s := startSandbox(t)
	for _, tc := range []struct {
		scenario string
		json     []string // in the JSON document
		text     []string
		markdown []string
		junit    []string
	}{
		{"reference-token-pat",
			[]string{`"kind": "reference-token"`, `"reference_token": {`, `"type": "PAT"`, `"acts_as": "maria.ivanova (Maria Ivanova)"`, `"matched": "last_used"`, `"reference": true`, `"reference_expires": "`},
			[]string{"Signs in with a reference token (PAT or SAT), sent to the API as it is", "Acts as:   maria.ivanova (Maria Ivanova)", "Kind:      PAT", "Expires:   20", "SKIP  Discovery", "SKIP  Token", "PASS  Whom the token acts as"},
			[]string{"## Sign-in", "| Acts as | maria.ivanova (Maria Ivanova) |", "| Reference token kind | PAT |"},
			[]string{`<property name="kind" value="reference-token">`, `<property name="acts_as" value="maria.ivanova (Maria Ivanova)">`, `<property name="expires" value="20`}},
		{"basic",
			[]string{`"kind": "basic"`, `"user": "bi-reader"`, `"basic": {`, `"app": "DomainApiBasicAuthentication"`, `"move_to_client_credentials": [`},
			[]string{"Signs in with legacy Basic authentication as bi-reader (Trusted App DomainApiBasicAuthentication)", "Signed in: bi-reader (Basic", "Move this integration to client credentials (ERP.net's migration page):", "  6. A Power BI dataset"},
			[]string{"## Move this integration to client credentials", "1. Register a Trusted App"},
			[]string{`<property name="kind" value="basic">`, `<property name="user" value="bi-reader">`}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc, p, r := runScenario(t, s, tc.scenario)
			if r.Verdict != "pass" {
				t.Fatalf("run %s", r.Verdict)
			}
			d := report.Build(r, p)
			var js, txt, md, ju bytes.Buffer
			if report.WriteJSON(&js, d) != nil || report.WriteText(&txt, d) != nil || report.WriteMarkdown(&md, d) != nil || report.WriteJUnit(&ju, []report.Document{d}) != nil {
				t.Fatal("render")
			}
			var back map[string]any
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			for _, x := range []struct {
				name  string
				out   string
				wants []string
			}{{"JSON", js.String(), tc.json}, {"text", txt.String(), tc.text}, {"Markdown", md.String(), tc.markdown}, {"JUnit", ju.String(), tc.junit}} {
				for _, w := range x.wants {
					if !strings.Contains(x.out, w) {
						t.Errorf("%s lacks %q:\n%s", x.name, w, x.out)
					}
				}
				if strings.Contains(x.out, sc.ClientSecret) {
					t.Errorf("%s holds the credential", x.name)
				}
			}
			if back["claims"] != nil && tc.scenario != "basic" {
				t.Errorf("a reference token's empty claims were shown: %v", back["claims"])
			}
		})
	}
}
