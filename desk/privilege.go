package desk

import (
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// LeastPrivilege is the advice on what to narrow (codes privilege.*) for profile p from
// its run's report r (its token's scopes and System User) and the record rec when one
// was read (nil otherwise): check.LeastPrivilege, as every report and the record
// command give it. It never fails a check.
func (d *Desk) LeastPrivilege(p profiles.Profile, r check.Report, rec *check.TrustedAppRecord) []check.Finding {
	in := check.PrivilegeInputFor(p, r, rec)
	if r.Finished.IsZero() {
		in.Now = d.deps.Now()
	}
	return check.LeastPrivilege(in)
}
