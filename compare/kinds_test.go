package compare

import (
	"testing"

	"trustedapp-tester/check"
)

// Two runs that signed in differently say so in the identity group.
func TestSignsInWithIsARow(t *testing.T) {
	cc := check.RunSummary{ID: "a", Profile: "app", SystemUser: "svc-import"}
	basic := check.RunSummary{ID: "b", Profile: "app", Kind: "basic", SystemUser: "bi-reader", ClientID: "DomainApiBasicAuthentication"}
	c := Runs(cc, basic, "", "")
	for _, r := range c.Rows {
		if r.Field == "Signs in with" {
			if r.Same || r.A != "client credentials" || r.B != "Basic (legacy)" || r.Group != GroupIdentity {
				t.Errorf("row %+v", r)
			}
			return
		}
	}
	t.Fatal("no Signs in with row")
}
