package check

import (
	"strings"
	"testing"

	"trustedapp-tester/profiles"
)

var formProfile = profiles.Profile{Name: "nightly", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/import", Scopes: []string{"read", "update"}}

const formSecret = "the-nightly-secret"

// formChecklist runs the record command's checklist on pasted text: the rows, the
// hash comparison and the result.
func formChecklist(t *testing.T, text, secret string) ([]RecordCheck, *SecretHashComparison, RecordResult) {
	t.Helper()
	res := ReadRecordForm(text)
	if res.Form == nil {
		t.Fatalf("no Form in the result: %+v", res)
	}
	rows := RecordChecklist(formProfile, res.Record, "svc-import")
	hashRow, cmp := SecretHashRow(res.Record, secret)
	rows = res.Form.Mark(WithSecretHashRow(rows, hashRow))
	return rows, cmp, res
}

func states(rows []RecordCheck) map[string]RecordState {
	m := map[string]RecordState{}
	for _, r := range rows {
		m[r.Field] = r.State
	}
	return m
}

// The shapes a copy of the Trusted App's form takes: each must give the same record.
func TestRecordFormShapes(t *testing.T) {
	hash := ApplicationSecretHash(formSecret)
	allOK := map[string]RecordState{"ApplicationUri": RecordOK, "IsEnabled": RecordOK, "ClientType": RecordOK, "ApplicationSecretHash": RecordOK,
		"SystemUserAllowed": RecordOK, "SystemUser": RecordOK, "Scope": RecordOK}
	for _, tc := range []struct{ name, text string }{
		{"field: value lines", "ApplicationUri: com.acme/import\nIsEnabled: true\nClientType: Confidential\nApplicationSecretHash: " + hash +
			"\nSystemUserAllowed: true\nSystemUser: svc-import\nScope: read update\nReferenceTokens: None\nBasicAuthenticationAllowed: false\n"},
		{"a web form copied with tabs, spaced labels and Yes/No", "Name\tNightly import\r\nApplication Uri\tcom.acme/import\r\nIs Enabled\tYes\r\nClient Type\tConfidential\r\n" +
			"Application Secret Hash\t" + hash + "\r\nSystem User Allowed\tYes\r\nSystem User\tsvc-import\r\nScope\tread\u00a0update\r\nReference Tokens\tNone\r\nBasic Authentication Allowed\tNo\r\n"},
		{"labels on their own line, values under them", "Application Uri:\ncom.acme/import\n\nIs Enabled\nTrue\nClient Type\nConfidential\nApplication Secret Hash\n" + hash +
			"\nSystem User Allowed\nTrue\nSystem User\nsvc-import\nScope\nread update\n"},
		{"a Markdown table", "| Field | Value |\n|---|---|\n| ApplicationUri | com.acme/import |\n| IsEnabled | ✓ |\n| ClientType | C |\n| ApplicationSecretHash | " + hash +
			" |\n| SystemUserAllowed | 1 |\n| SystemUser | svc-import |\n| Scope | read update |\n"},
		// Real-shaped, not copied from a real form: ERP.net's docs do not publish the
		// form's Bulgarian labels.
		{"Bulgarian labels and values", "\ufeffИме: Нощен импорт\nURI на приложението: com.acme/import\nАктивно: Да\nТип клиент: Поверителен\nХеш на тайната: " + hash +
			"\nРазрешен системен потребител: да\nСистемен потребител: svc-import\nОбхват: read update\nРеферентни токени: Няма\nОсновна автентикация разрешена: Не\n"},
		{"the record as JSON, as the API sends it", `{"Name":"Nightly import","ApplicationUri":"com.acme/import","IsEnabled":true,"ClientType":"Confidential","ApplicationSecretHash":"` + hash +
			`","SystemUserAllowed":true,"SystemUser":{"Login":"svc-import"},"Scope":"read update","ReferenceTokens":"None","BasicAuthenticationAllowed":false}`},
		{"an OData list holding it", `{"value":[{"ApplicationUri":"com.acme/import","IsEnabled":"Yes","ClientType":"Confidential","ApplicationSecretHash":"` + hash +
			`","SystemUserAllowed":"true","SystemUser":"svc-import","Scope":"read update"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, cmp, res := formChecklist(t, tc.text, formSecret)
			if res.Problem != "" || res.Record == nil {
				t.Fatalf("problem: %s", res.Problem)
			}
			got := states(rows)
			for f, want := range allOK {
				if got[f] != want {
					t.Errorf("%s is %s, want %s (rows %+v, notes %q)", f, got[f], want, rows, res.Form.Notes)
				}
			}
			if cmp == nil || cmp.State != SecretHashMatch {
				t.Errorf("hash comparison %+v", cmp)
			}
			if len(res.Form.Notes) > 0 && !strings.Contains(tc.name, "Markdown") {
				t.Errorf("notes: %q", res.Form.Notes)
			}
		})
	}
}

// What the checklist says about a form with faults: the same rows an API read gives,
// the slip detector included; fields not copied are to check by hand.
func TestRecordFormFindsFaults(t *testing.T) {
	echoHash := ApplicationSecretHash(formSecret + "\n")
	text := "ApplicationUri: com.acme/Import\nIsEnabled: No\nClientType: Public\nApplicationSecretHash: " + echoHash +
		"\nSystemUserAllowed: false\nScope: read\nReferenceTokens: Administrators Only\nBasicAuthenticationAllowed: Yes\nColour: blue\n"
	rows, cmp, res := formChecklist(t, text, formSecret)
	want := map[string]RecordState{"ApplicationUri": RecordBad, "IsEnabled": RecordBad, "ClientType": RecordBad, "ApplicationSecretHash": RecordBad,
		"SystemUserAllowed": RecordBad, "Scope": RecordBad, "SystemUser": RecordUnknown, "ReferenceTokens": RecordWarn, "BasicAuthenticationAllowed": RecordWarn}
	got := states(rows)
	for f, w := range want {
		if got[f] != w {
			t.Errorf("%s is %s, want %s", f, got[f], w)
		}
	}
	if cmp == nil || cmp.State != SecretHashSlip || cmp.Slip.Code != "trailing_newline" {
		t.Errorf("the slip detector did not name echo: %+v", cmp)
	}
	if r := checklistRow(rows, "SystemUser"); r.Actual != "not in the form" || !strings.Contains(r.Note, "Copy SystemUser") {
		t.Errorf("a field not copied: %+v", r)
	}
	if len(res.Form.Notes) != 1 || !strings.Contains(res.Form.Notes[0], `"Colour" is not a field`) {
		t.Errorf("notes %q", res.Form.Notes)
	}
}

// Only some fields, and the hash not copied: the rest are to check by hand, and the
// hash row shows the hash the form must show.
func TestRecordFormPartial(t *testing.T) {
	rows, cmp, res := formChecklist(t, "IsEnabled: true\nScope: read update\n", formSecret)
	if res.Record == nil || cmp != nil {
		t.Fatalf("result %+v, comparison %+v", res, cmp)
	}
	got := states(rows)
	if got["IsEnabled"] != RecordOK || got["Scope"] != RecordOK {
		t.Errorf("given fields: %v", got)
	}
	for _, f := range []string{"ApplicationUri", "ClientType", "SystemUserAllowed", "SystemUser", "ApplicationSecretHash"} {
		if r := checklistRow(rows, f); r.State != RecordUnknown || r.Actual != "not in the form" {
			t.Errorf("%s: %+v", f, r)
		}
	}
	if r := checklistRow(rows, "ApplicationSecretHash"); r.Want != ApplicationSecretHash(formSecret) {
		t.Errorf("the hash to compare by hand: %+v", r)
	}
}

// Texts the form path refuses or reads with notes, never echoing a secret.
func TestRecordFormRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, text, problem string
		notSaid             string
	}{
		{"nothing", "  \n\n", "Nothing was pasted", ""},
		{"no field", "hello world\nthis is not a form\n", "No Trusted App field was recognised", ""},
		{"a secret line", "ApplicationUri: com.acme/import\nclient_secret: s3cr3t-value-xyz\n", "holds a secret", "s3cr3t-value-xyz"},
		{"a secret in JSON", `{"ApplicationUri":"com.acme/import","Secret":"s3cr3t-value-xyz"}`, "holds a secret", "s3cr3t-value-xyz"},
		{"broken JSON", `{"ApplicationUri": "com.acme/import",`, "not a JSON object", ""},
		{"two records", `{"value":[{"ApplicationUri":"a"},{"ApplicationUri":"b"}]}`, "holds 2 records", ""},
		{"too long", "Scope: " + strings.Repeat("read ", MaxRecordForm/5+1), "longer than 64 KiB", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ReadRecordForm(tc.text)
			if res.Record != nil || !strings.Contains(res.Problem, tc.problem) {
				t.Fatalf("problem %q, record %+v", res.Problem, res.Record)
			}
			if tc.notSaid != "" && strings.Contains(res.Problem, tc.notSaid) {
				t.Errorf("the problem repeats the secret: %s", res.Problem)
			}
		})
	}

	// A whole page copied with the form: ten notes, then a count.
	long := ReadRecordForm(strings.Repeat("Notes\tcopied with the form\n", 40) + "IsEnabled: true\n")
	if len(long.Form.Notes) != maxFormNotes+1 || long.Form.Notes[maxFormNotes] != "30 more lines were ignored or not understood." {
		t.Errorf("notes %q", long.Form.Notes)
	}

	// A checkbox copied without its state, and a value that is no boolean: noted, and
	// the field is to check by hand.
	rows, _, res := formChecklist(t, "ApplicationUri: com.acme/import\nIsEnabled\nSystemUserAllowed: maybe\n", "")
	if len(res.Form.Notes) != 2 || !strings.Contains(res.Form.Notes[0], "a copy of a checkbox loses its state") || !strings.Contains(res.Form.Notes[1], `"maybe"`) {
		t.Errorf("notes %q", res.Form.Notes)
	}
	for _, f := range []string{"IsEnabled", "SystemUserAllowed"} {
		if r := checklistRow(rows, f); r.State != RecordUnknown {
			t.Errorf("%s: %+v", f, r)
		}
	}
}

// An empty hash on the form means the app has no secret; an empty SystemUser, none.
func TestRecordFormEmptyValues(t *testing.T) {
	rows, cmp, _ := formChecklist(t, "ApplicationUri: com.acme/import\nApplicationSecretHash: (empty)\nSystemUser: -\nScope:\n", formSecret)
	if cmp == nil || cmp.State != SecretHashEmpty {
		t.Errorf("comparison %+v", cmp)
	}
	if r := checklistRow(rows, "SystemUser"); r.State != RecordBad || r.Actual != "none" {
		t.Errorf("SystemUser %+v", r)
	}
	if r := checklistRow(rows, "Scope"); r.State != RecordBad || r.Actual != "empty" {
		t.Errorf("Scope %+v", r)
	}
}

// A 403 on the record read names both causes and quotes the docs on sec; an answer that
// names the sec scope says so alone.
func TestRecordRefusedNamesBothCauses(t *testing.T) {
	plain := recordRefused(Step{Findings: []Finding{newFinding(APIForbidden, "forbidden", nil)}})
	for _, want := range []string{"Two causes are possible", "System User", "sec scope", "“reserved for ERP.net internal use only”", "register-trusted-app.md", "--from-form", FormReaderLabel} {
		if !strings.Contains(plain, want) {
			t.Errorf("the 403 explanation lacks %q:\n%s", want, plain)
		}
	}
	sec := recordRefused(Step{Findings: []Finding{newFinding(APIForbiddenScope, "needs sec", map[string]string{EvScope: "sec"})}})
	if !strings.Contains(sec, "needs the sec scope, which no ordinary token can get") || strings.Contains(sec, "Two causes") {
		t.Errorf("sec named: %s", sec)
	}
}

// English labels never match by the Bulgarian words: "Favourite" holds "uri".
func TestRecordFormEnglishLabelsAreExact(t *testing.T) {
	for _, l := range []string{"Favourite colour", "Security", "Named range"} {
		if f := formFieldOf(l); f != "" {
			t.Errorf("%q read as %s", l, f)
		}
	}
	if f := formFieldOf("URI на приложението"); f != "ApplicationUri" {
		t.Errorf("a Bulgarian label: %q", f)
	}
}

// BenchmarkReadRecordForm reads the largest text the form path takes: a whole web form
// copied with its noise, up to MaxRecordForm.
func BenchmarkReadRecordForm(b *testing.B) {
	form := "Application Uri\tcom.acme/import\nIs Enabled\tYes\nClient Type\tConfidential\nApplication Secret Hash\t" + ApplicationSecretHash(formSecret) +
		"\nSystem User Allowed\tYes\nSystem User\tsvc-import\nScope\tread update\n"
	noise := strings.Repeat("Notes\tsome text copied with the form\n", (MaxRecordForm-len(form))/40)
	text := noise + form
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if res := ReadRecordForm(text); res.Record == nil || len(res.Form.Notes) != maxFormNotes+1 {
			b.Fatal(res.Problem, len(res.Form.Notes))
		}
	}
}
