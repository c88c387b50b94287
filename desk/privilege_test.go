package desk

import (
	"strings"
	"testing"

	"trustedapp-tester/check"
)

// The least-privilege advice is the engine's, with the record when one was read.
func TestLeastPrivilege(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	p := profile("A", "https://acme.my.erp.net")
	rep := check.Report{Finished: t0}
	if got := d.LeastPrivilege(p, rep, nil); len(got) != 0 {
		t.Fatalf("nothing read, advice %+v", got)
	}
	scope := "read update sec"
	rec := &check.TrustedAppRecord{Scope: &scope, ReferenceTokens: "AdministratorsOnly"}
	var codes []string
	for _, f := range d.LeastPrivilege(p, rep, rec) {
		codes = append(codes, f.Code)
		if f.Severity != check.SevInfo {
			t.Errorf("%s is %s, advice is never a failure", f.Code, f.Severity)
		}
	}
	if strings.Join(codes, " ") != "privilege.update_unused privilege.sec_scope privilege.reference_tokens" {
		t.Errorf("codes %v", codes)
	}
}
