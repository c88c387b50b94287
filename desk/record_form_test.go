package desk

import (
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// The form as a source of the record: the same RecordRead, the stored secret's hash
// compared with the form's (the slip named), no token and no run; a profile that does
// not exist starts nothing; a text with nothing in it says why.
func TestReadRecordForm(t *testing.T) {
	d, _ := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", "https://acme.my.erp.net"))
	readForm := func(text string) RecordRead {
		t.Helper()
		got := make(chan RecordRead, 1)
		var op *Op
		answer := d.ReadRecordForm("A", text, nil, func(o *Op) { op = o }, func(r RecordRead) { got <- r })
		if op == nil || answer != op {
			t.Fatal("no read started")
		}
		res := await(t, got)
		if res.Op != op.ID {
			t.Fatalf("answer for op %d, want %d", res.Op, op.ID)
		}
		settle(d)
		return res
	}
	echo := check.ApplicationSecretHash("secret-A\n")
	res := readForm("ApplicationUri: " + profile("A", "").ClientID + "\nIsEnabled: Yes\nApplicationSecretHash: " + echo + "\nScope: read\n")
	if !res.Reader.Form || res.Reader.Name != "A" || res.Reader.Run != nil || res.Result.Record == nil || res.Result.Form == nil {
		t.Fatalf("result %+v", res)
	}
	if c := res.SecretHash.Comparison; res.SecretHash.Name != "A" || c == nil || c.Slip == nil || c.Slip.Code != "trailing_newline" {
		t.Errorf("the stored secret against the form's hash: %+v", res.SecretHash)
	}
	if !res.Result.Form.Given["IsEnabled"] || res.Result.Form.Given["SystemUser"] {
		t.Errorf("given %v", res.Result.Form.Given)
	}
	if d.RunOf("A") != nil {
		t.Error("a form read made a run")
	}

	if res := readForm("nothing useful here"); res.Result.Record != nil || !strings.Contains(res.Result.Problem, "No Trusted App field was recognised") {
		t.Errorf("unrecognised: %+v", res.Result)
	}
	if d.ReadRecordForm("Nobody", "IsEnabled: true", nil, nil, func(RecordRead) { t.Error("an answer for no profile") }) != nil {
		t.Error("a read started for a profile that does not exist")
	}
}
