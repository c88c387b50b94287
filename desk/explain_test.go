package desk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/explain"
	"trustedapp-tester/internal/testdir"
)

const pastedSecret = "s3cr3t-Pasted-Value-9f8e7d"

// A pasted token error with a secret in it: the explanation is the live check's, the
// secret is gone from everything the desk hands back, copies or saves, and the
// history log is never written.
func TestExplainTextRedactsAndSaves(t *testing.T) {
	dir := testdir.New(t)
	log, err := audit.Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := newDesk(t, Deps{History: log})
	pasted := "POST /id/connect/token client_id=com.acme/app&client_secret=" + pastedSecret + "&grant_type=client_credentials\n" +
		"HTTP/1.1 400 Bad Request\n{\"error\":\"invalid_client\"}"
	got := make(chan Explained, 1)
	var began *Op
	op := d.ExplainText(pasted, func(o *Op) { began = o }, func(e Explained) { got <- e })
	if began != op {
		t.Error("began did not hear of the operation")
	}
	res := await(t, got)
	settle(d)
	if res.Op != op.ID || !res.Result.Recognised || res.Result.Kind != explain.KindOAuthError {
		t.Fatalf("result %+v", res.Result)
	}
	if res.Result.Findings[0].Code != check.TokInvalidClient || res.Result.Redactions != 1 {
		t.Errorf("findings %+v, redactions %d", res.Result.Findings, res.Result.Redactions)
	}
	if strings.Contains(res.Redacted, pastedSecret) || !strings.Contains(res.Redacted, "grant_type=client_credentials") {
		t.Errorf("redacted text %q", res.Redacted)
	}
	for _, md := range []bool{false, true} {
		b := ExplanationText(res.Result, md)
		if strings.Contains(string(b), pastedSecret) || !strings.Contains(string(b), check.TokInvalidClient) {
			t.Errorf("markdown %v: %s", md, b)
		}
		path := filepath.Join(dir, map[bool]string{false: "x.txt", true: "x.md"}[md])
		wc, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan Written, 1)
		d.SaveExplanation(wc, res.Result, md, func(w Written) { done <- w })
		if w := await(t, done); w.Err != nil || w.Path != path {
			t.Fatalf("save: %+v", w)
		}
		saved, _ := os.ReadFile(path)
		if string(saved) != string(b) {
			t.Errorf("saved %q, want %q", saved, b)
		}
	}
	for _, f := range []string{log.Path(), audit.RunsPath(log.Path())} {
		if b, err := os.ReadFile(f); err == nil && len(b) > 0 {
			t.Errorf("%s written by an explanation: %s", f, b)
		}
	}
}

// Text nobody could read: an honest "not recognised" with the three most likely checks.
func TestExplainTextNotRecognised(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	got := make(chan Explained, 1)
	d.ExplainText("the nightly job stopped again, please help", nil, func(e Explained) { got <- e })
	res := await(t, got).Result
	if res.Recognised || len(res.Checks) != 3 || res.ReadAs != "not recognised" {
		t.Errorf("result %+v", res)
	}
	if txt := string(ExplanationText(res, false)); !strings.Contains(txt, "Not recognised. The three most likely things to check:") {
		t.Errorf("text:\n%s", txt)
	}
}

// A paste longer than the explainer reads says that only its start was read, even when
// that start is blank (the error at its end was never read).
func TestExplainTextSaysWhenCut(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	got := make(chan Explained, 1)
	d.ExplainText(strings.Repeat(" ", explain.MaxInput)+`{"error":"invalid_client"}`, nil, func(e Explained) { got <- e })
	if res := await(t, got).Result; !res.Truncated || res.Recognised {
		t.Errorf("truncated %v, recognised %v", res.Truncated, res.Recognised)
	}
}
