package main

import (
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// Every sentence check's record checklist can write is said in Bulgarian: the
// checklist is made for every case (not read, right, wrong, missing), with the
// ApplicationSecretHash row, and each text that is not a value of the record or the
// profile must come out translated.
func TestRecordChecklistInBulgarian(t *testing.T) {
	spoken.Store(i18n.For("bg"))
	defer spoken.Store(nil)
	yes, no := true, false
	empty, scope, hash := "", "read", "not-the-hash"
	p := profiles.Profile{ClientID: "com.acme/app", Scopes: []string{"read", "update"}}
	recs := []*check.TrustedAppRecord{
		nil,
		{ApplicationURI: "com.acme/app", IsEnabled: &yes, ClientType: "Confidential", SystemUserAllowed: &yes, SystemUser: "svc", SystemUserSet: true, SystemUserKnown: true,
			Scope: &scope, ReferenceTokens: "AuthenticatedUsers", BasicAuthAllowed: &yes, ApplicationSecretHash: &hash},
		{ApplicationURI: "COM.ACME/APP", IsEnabled: &no, ClientType: "Public", SystemUserAllowed: &no, SystemUserKnown: true, Scope: &empty, ApplicationSecretHash: &empty},
		{ApplicationURI: "com.acme/app", SystemUser: "other", SystemUserSet: true, SystemUserKnown: true},
	}
	values := map[string]bool{"": true, "com.acme/app": true, "COM.ACME/APP": true, "true": true, "false": true, "Confidential": true, "Public": true,
		"svc": true, "other": true, "svc-token": true, "read": true, "AuthenticatedUsers": true, "not-the-hash": true, check.ApplicationSecretHash("s3cret"): true}
	for _, rec := range recs {
		for _, user := range []string{"", "svc-token"} {
			rows := check.RecordChecklist(p, rec, user)
			for _, secret := range []string{"", "s3cret"} {
				row, cmp := check.SecretHashRow(rec, secret)
				if cmp == nil || cmp.State == check.SecretHashEmpty {
					rows = append(rows, row)
				} else {
					row.Note = "" // the comparison's own words (which slip) stay English
					rows = append(rows, row)
				}
			}
			for _, c := range rows {
				for _, s := range []string{c.Actual, c.Want, c.Note} {
					if !values[s] && recordIn(s) == s {
						t.Errorf("%s: %q is not said in Bulgarian", c.Field, s)
					}
				}
			}
		}
	}
	for _, problem := range []string{
		"The instance refused the token (HTTP 401): run the test again for a fresh token.",
		"The instance has no Systems_Security_TrustedApplications entity set at https://x/api/domain/odata/ (HTTP 404): check the OData root, or check the fields below by hand.",
		`No Trusted App record has ApplicationUri "a" on this instance: the client_id must match a record's ApplicationUri exactly (case matters), and each instance needs its own record.`,
		`No record has ApplicationUri "a", but "A" differs only in case: use it exactly as the client_id.`,
		`2 records share ApplicationUri "a"; the first one is shown.`,
	} {
		if recordIn(problem) == problem {
			t.Errorf("%q is not said in Bulgarian", problem)
		}
	}
}
