package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"trustedapp-tester/ui/widgets"
)

// TestTooltipsOnTheMainWindow checks which tooltip each piece of jargon carries (the
// hover itself is TestTooltipsShowOnHover).
func TestTooltipsOnTheMainWindow(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	labels := map[string]string{}
	find(u.run.identity.content, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widgets.TipLabel); ok {
			labels[l.Text] = l.ToolTip()
		}
		return false
	})
	for _, k := range []string{"ACTS AS", "CLIENT", "SCOPES", "DATABASE", "ISSUER", "EXPIRES", "SIGNATURE"} {
		if labels[k] == "" || labels[k] != fieldTips()[k] {
			t.Errorf("identity label %s tooltip = %q", k, labels[k])
		}
	}
	if !strings.Contains(labels["ACTS AS"], "SystemUser field") {
		t.Errorf("ACTS AS tooltip does not name the field to change: %q", labels["ACTS AS"])
	}
	for _, k := range timelineKinds {
		if got := u.run.timeline.slots[k.kind].ToolTip(); !strings.HasPrefix(got, stepTips()[k.label]) || stepTips()[k.label] == "" {
			t.Errorf("step %s tooltip = %q", k.label, got)
		}
	}
	var chips []string
	for _, o := range u.run.identity.scopes.Objects {
		chips = append(chips, o.(*widgets.Chip).ToolTip())
	}
	if strings.Join(chips, " | ") != "read: read-only data access. Granted. | update: create, modify and delete data. Granted." {
		t.Errorf("scope chip tooltips = %q", chips)
	}
	if got := u.run.header.more.ToolTip(); !strings.Contains(got, "More actions") {
		t.Errorf("⋮ tooltip = %q", got)
	}
	if got := u.run.header.line.ToolTip(); !strings.Contains(got, "form body: client_id and client_secret go in the POST body") || !strings.Contains(got, "Scope field") {
		t.Errorf("summary tooltip = %q", got)
	}

	// A scope refused: its chip says what to change.
	e2 := newEnv(t, Deps{Run: replayRun(userScopesReport())}, userScopes())
	e2.u.StartRun()
	e2.u.Wait()
	var refused []string
	for _, o := range e2.u.run.identity.scopes.Objects {
		if tip := o.(*widgets.Chip).ToolTip(); strings.Contains(tip, "not granted") {
			refused = append(refused, tip)
		}
	}
	if len(refused) == 0 || !strings.Contains(refused[0], "never granted to a service app") {
		t.Errorf("refused scope tooltips = %q", refused)
	}
}

// The claims tab says what the selected claim means.
func TestClaimDetailExplainsTheClaim(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	for i, r := range u.run.claims.rows {
		if r.section == "" && r.claim.Name == "client_system_user" {
			u.run.claims.selectRow(i)
		}
	}
	if got := u.run.claims.detail.Text; !strings.Contains(got, `client_system_user = "svc-import"`+"\n") || !strings.Contains(got, "API calls run with its permissions") {
		t.Errorf("claim detail = %q", got)
	}
}

func TestScopeTips(t *testing.T) {
	for _, tc := range []struct{ scope, want string }{
		{"update", "update: create, modify and delete data."},
		{"openid", "openid: OpenID Connect sign-in (interactive only); never granted to a service app (client credentials)."},
		{"DomainApi", "DomainApi: legacy scope, must not be used by new apps."},
		{"Read", "Read: not a scope ERP.net documents; the Trusted App's Scope field must list it exactly (case matters)."},
	} {
		if got := scopeTip(tc.scope, ""); got != tc.want {
			t.Errorf("scopeTip(%s) = %q, want %q", tc.scope, got, tc.want)
		}
	}
}
