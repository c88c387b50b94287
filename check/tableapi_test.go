package check

import (
	"context"
	"testing"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// TestSandboxTableAPICall runs the engine with a profile whose calls include the
// Table API: the call resolves against the instance root (not the Domain API's OData
// root) and passes with the scenario's token.
func TestSandboxTableAPICall(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("healthy")
	p := profileFor(s, sc)
	p.Calls = append(p.Calls, profiles.APICall{Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=2"})

	rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	want := s.URL() + "/tableapi/odata/Gen_Documents?$top=2"
	var st *Step
	for i := range rep.Steps {
		if rep.Steps[i].Kind == StepAPI && len(rep.Steps[i].Exchanges) > 0 && rep.Steps[i].Exchanges[0].URL == want {
			st = &rep.Steps[i]
		}
	}
	if st == nil {
		for _, x := range rep.Steps {
			t.Logf("%s %s: %s", x.Kind, x.Name, x.Summary)
		}
		t.Fatalf("no API step called %s", want)
	}
	if st.Verdict != Pass || st.Exchanges[0].Status != 200 {
		t.Errorf("Table API step: %s %s %v", st.Verdict, st.Summary, st.Findings)
	}
	var ok bool
	for _, f := range st.Findings {
		ok = ok || f.Code == APIOK
	}
	if !ok {
		t.Errorf("Table API step findings %v, want %s", st.Findings, APIOK)
	}
	if rep.Verdict != Pass {
		t.Errorf("report verdict %s: %v", rep.Verdict, codes(rep, ""))
	}
}
