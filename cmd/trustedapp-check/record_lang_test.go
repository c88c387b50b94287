package main

import (
	"fmt"
	"strings"
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
				row, _ := check.SecretHashRow(rec, secret) // the comparison's words too (report/secrethash_lang.go)
				rows = append(rows, row)
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
	// The ReferenceTokens row of an app that issues reference tokens on purpose.
	for _, refs := range []string{"", "None", "AuthenticatedUsers", "AdministratorsOnly"} {
		q := p
		q.UsesReferenceTokens = true
		for _, c := range check.RecordChecklist(q, &check.TrustedAppRecord{ApplicationURI: "com.acme/app", ReferenceTokens: refs}, "") {
			if c.Field != "ReferenceTokens" {
				continue
			}
			for _, s := range []string{c.Actual, c.Want, c.Note} {
				if !values[s] && s != refs && recordIn(s) == s {
					t.Errorf("ReferenceTokens %q: %q is not said in Bulgarian", refs, s)
				}
			}
		}
	}
	for _, problem := range []string{
		"The instance refused the token (HTTP 401): run the test again for a fresh token.",
		"The instance has no Systems_Security_TrustedApplications entity set at https://x/api/domain/odata/ (HTTP 404): check the OData root, or check the fields below by hand.",
		`No Trusted App record has ApplicationUri "a" on this instance: the client_id must match a record's ApplicationUri, copied exactly, and each instance needs its own record.`,
		`No record has ApplicationUri "a", but "A" differs only in case: use it exactly as the client_id (whether ERP.net's sign-in ignores case, its docs do not say).`,
		`2 records share ApplicationUri "a"; the first one is shown.`,
		// check.recordRefused's three answers to a 403 (the sec one is also read from the
		// sandbox in TestRecordFromFormInBulgarian).
		"The instance refused to show the record (HTTP 403). Two causes are possible, and the answer does not say which: the System User behind this token may not read Trusted Application records (its roles and permissions), or the instance asks for the sec scope for them, which no ordinary token can get: ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md). Read the record with a profile whose System User may, or copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included.",
		`The instance refused to show the record (HTTP 403): the token lacks the "read" scope it asks for. Request it, read with a profile whose token has it, or copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included.`,
	} {
		if recordIn(problem) == problem {
			t.Errorf("%q is not said in Bulgarian", problem)
		}
	}
}

// Every note and problem check writes for values pasted from the Trusted App's form is
// said in Bulgarian, with the line or field it names: each input below makes one of
// them, and the rows of fields the form left out say so too.
func TestRecordFormNotesInBulgarian(t *testing.T) {
	spoken.Store(i18n.For("bg"))
	defer spoken.Store(nil)
	var many strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&many, "Colour%d: blue\n", i)
	}
	many.WriteString("IsEnabled: true\n")
	inputs := []string{
		"", "   \n",
		strings.Repeat("x", check.MaxRecordForm+1),
		"Name: nightly\n",
		"Colour: blue\nIsEnabled: true\nIsEnabled: false\nClientType:\nApplicationUri:\nReferenceTokens:\nSystemUserAllowed: perhaps\nBasicAuthenticationAllowed\n\nLonely words without a colon\n\nScope: read\n",
		"ApplicationUri: a\nclient_secret: s3cret\n",
		many.String(),
		`{"ApplicationUri": 1`,
		`{"value": [{"ApplicationUri": "a"}, {"ApplicationUri": "b"}]}`,
		`{"value": [1]}`,
		`{"ApplicationUri": "a", "Colour": "blue", "IsEnabled": "perhaps"}`,
	}
	seen := 0
	for _, in := range inputs {
		res := check.ReadRecordForm(in)
		var said []string
		if res.Problem != "" {
			said = append(said, res.Problem)
		}
		if res.Form != nil {
			said = append(said, res.Form.Notes...)
		}
		for _, s := range said {
			seen++
			bg := recordIn(s)
			if bg == s || strings.Contains(bg, "line ") || strings.Contains(bg, "field \"") {
				t.Errorf("%q is not said in Bulgarian: %q", s, bg)
			}
		}
		if res.Form != nil && res.Record != nil {
			for _, c := range res.Form.Mark(check.RecordChecklist(profiles.Profile{ClientID: "a"}, res.Record, "")) {
				if c.Actual == "not in the form" && (recordIn(c.Actual) == c.Actual || recordIn(c.Note) == c.Note) {
					t.Errorf("%s: %q / %q is not said in Bulgarian", c.Field, c.Actual, c.Note)
				}
			}
		}
	}
	if seen < 15 {
		t.Errorf("only %d notes and problems were made: the inputs no longer reach them", seen)
	}
	if got := formSourceIn(check.FormSource); got == check.FormSource {
		t.Errorf("the form as a source is not said in Bulgarian: %q", got)
	}
}
