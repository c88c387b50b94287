package ui

import (
	"fmt"
	"image"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/explain"
	"trustedapp-tester/guide"
)

const leakedSecret = "Xq9-pasted-secret-77"

// pastedTokenError is what a support ticket holds: a .NET exception, the request body
// with the client secret in it, and the identity server's answer.
const pastedTokenError = "System.Net.Http.HttpRequestException: Response status code does not indicate success: 400 (Bad Request).\n" +
	"POST https://acme.my.erp.net/id/connect/token\n" +
	"client_id=com.acme/nightly&client_secret=" + leakedSecret + "&grant_type=client_credentials\n" +
	`{"error":"invalid_client"}`

// fakeExplainDesk explains with the real explain package (it does no I/O) and answers
// when the test says.
type fakeExplainDesk struct {
	nextOp desk.OpID
	asked  []string
	done   func(desk.Explained)
	saved  []bool
}

func (f *fakeExplainDesk) ExplainText(pasted string, began func(*desk.Op), done func(desk.Explained)) *desk.Op {
	f.nextOp++
	op := &desk.Op{ID: f.nextOp}
	f.asked = append(f.asked, pasted)
	began(op)
	f.done = func(e desk.Explained) {
		e.Op = op.ID
		done(e)
	}
	return op
}

func (f *fakeExplainDesk) SaveExplanation(wc fyne.URIWriteCloser, res explain.Result, markdown bool, done func(desk.Written)) *desk.Op {
	f.saved = append(f.saved, markdown)
	wc.Close()
	done(desk.Written{Path: wc.URI().Path()})
	return nil
}

func explained(pasted string) desk.Explained {
	clean, _ := explain.Redact(pasted)
	return desk.Explained{Result: explain.Text(pasted), Redacted: clean}
}

type fakeExplainShell struct {
	fakeShell
	closes int
	urls   []string
}

func (s *fakeExplainShell) clipboard() fyne.Clipboard                  { return fyne.CurrentApp().Clipboard() }
func (s *fakeExplainShell) openURL(u string)                           { s.urls = append(s.urls, u) }
func (s *fakeExplainShell) focus(fyne.Focusable)                       {}
func (s *fakeExplainShell) closeTool()                                 { s.closes++ }
func (s *fakeExplainShell) saveFile(string, func(fyne.URIWriteCloser)) {}

// Paste, Explain: the explanation is the guide's for the live check's finding, rendered
// as Guidance renders it; the paste box then holds the redacted text and says how much
// was removed; copies hold no secret; an older answer is dropped; Esc closes and empties.
func TestExplainScreenWithFakeDesk(t *testing.T) {
	test.NewTempApp(t)
	sh := &fakeExplainShell{}
	d := &fakeExplainDesk{}
	x := newExplainScreen(sh, d)
	if !x.explain.Disabled() || !x.copyText.Disabled() || !x.save.Disabled() {
		t.Error("nothing pasted: Explain, Copy and Save should be off")
	}
	test.Type(&x.input.Entry, "503")
	test.Tap(x.explain)
	stale := d.done
	x.input.SetText(pastedTokenError)
	test.Tap(x.explain)
	stale(explained("503"))
	if x.res != nil {
		t.Fatal("the answer to an earlier press was shown")
	}
	d.done(explained(pastedTokenError))
	if x.res == nil || x.res.Findings[0].Code != check.TokInvalidClient {
		t.Fatalf("result %+v", x.res)
	}
	if strings.Contains(x.input.Text, leakedSecret) || !strings.Contains(x.input.Text, "client_secret=[redacted]") {
		t.Errorf("the paste box still shows %q", x.input.Text)
	}
	if x.removed.Text != "1 credential removed (now [redacted]). The log held it: consider rotating it." || x.removed.Importance != widget.WarningImportance {
		t.Errorf("removed %q", x.removed.Text)
	}
	got := texts(x.list)
	want := guide.Explain(check.TokInvalidClient, nil)
	for _, s := range []string{"Read as an OAuth error from the token endpoint (invalid_client).", want.Title, "LIKELY CAUSES", "CHECK", "FIX",
		"Trusted App field “ApplicationSecretHash”", check.TokInvalidClient} {
		if !strings.Contains(got, s) {
			t.Errorf("explanation lacks %q:\n%s", s, got)
		}
	}
	if strings.Contains(got, "Check the Trusted App record") {
		t.Error("a pasted error has no profile whose record could be opened")
	}
	test.Tap(findButton(t, x.list, "Open the docs"))
	if len(sh.urls) != 1 || sh.urls[0] != want.DocURL {
		t.Errorf("docs opened %v", sh.urls)
	}
	for _, md := range []bool{false, true} {
		btn := map[bool]string{false: "Copy as text", true: "Copy as Markdown"}[md]
		test.Tap(findButton(t, x.content, btn))
		clip := fyne.CurrentApp().Clipboard().Content()
		if clip != string(desk.ExplanationText(*x.res, md)) || strings.Contains(clip, leakedSecret) {
			t.Errorf("%s: clipboard %q", btn, clip)
		}
	}
	if !strings.Contains(sh.status, "Explanation copied as Markdown") {
		t.Errorf("status %q", sh.status)
	}
	// Esc in the paste box closes the screen; closing empties it.
	x.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if sh.closes != 1 {
		t.Error("Esc in the paste box did not close the screen")
	}
	x.closed()
	if x.input.Text != "" || x.res != nil || !x.copyText.Disabled() {
		t.Error("closing left the text or the explanation behind")
	}
}

// Text nobody could read: "Not recognised." and the three most likely checks.
func TestExplainScreenNotRecognised(t *testing.T) {
	test.NewTempApp(t)
	d := &fakeExplainDesk{}
	x := newExplainScreen(&fakeExplainShell{}, d)
	x.input.SetText("the nightly import stopped, please advise")
	x.primary()
	d.done(explained(x.input.Text))
	got := texts(x.list)
	for _, s := range []string{"Not recognised.", "1.  The Trusted App accepts the credentials (invalid_client)", "2.  The app may sign in as its System User",
		"3.  The scopes fit", "Trusted App field “SystemUserAllowed”: true"} {
		if !strings.Contains(got, s) {
			t.Errorf("lacks %q:\n%s", s, got)
		}
	}
	if x.removed.Text != "Nothing secret was found in the text." {
		t.Errorf("removed %q", x.removed.Text)
	}
}

// Through the real desk: the menu's "Explain an error…" (Ctrl+Shift+E), paste,
// Ctrl+Enter; the window never shows the secret, the saved Markdown and text hold the
// explanation and no secret, and nothing reaches the history log.
func TestExplainErrorThroughTheDesk(t *testing.T) {
	dir := t.TempDir()
	log, err := audit.Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Deps{History: log}, acme())
	u := e.u
	u.ExplainError()
	x := u.explainer
	if !u.showing(x.content) || u.win.Canvas().Focused() != x.input {
		t.Fatal("Explain an error… did not open with the cursor in the paste box")
	}
	x.input.SetText(pastedTokenError)
	u.StartRun() // Ctrl+Enter
	u.Wait()
	if x.res == nil || !x.res.Recognised {
		t.Fatalf("not explained (status %q)", u.status.Text)
	}
	if strings.Contains(texts(u.content), leakedSecret) {
		t.Fatal("the window shows the pasted secret")
	}
	if u.desk.Running() {
		t.Error("Ctrl+Enter on the explain screen started a test")
	}
	for _, name := range []string{"explained.md", "explained.txt"} {
		path := filepath.Join(dir, name)
		wc, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		x.saveTo(wc, *x.res)
		u.Wait()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		md := strings.HasSuffix(name, ".md")
		if string(b) != string(desk.ExplanationText(*x.res, md)) || strings.Contains(string(b), leakedSecret) {
			t.Errorf("%s:\n%s", name, b)
		}
		if md != strings.HasPrefix(string(b), "# An error explained") {
			t.Errorf("%s: wrong format:\n%s", name, b)
		}
		if !strings.Contains(u.status.Text, "Explanation saved to "+path) {
			t.Errorf("status %q", u.status.Text)
		}
	}
	for _, f := range []string{log.Path(), audit.RunsPath(log.Path())} {
		if b, err := os.ReadFile(f); err == nil && len(b) > 0 {
			t.Errorf("%s written by an explanation: %s", f, b)
		}
	}
	// Esc closes it back to the run view.
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !u.showing(u.run.content) || x.input.Text != "" {
		t.Error("Esc did not close and empty the explain screen")
	}
	// The welcome panel and Guidance before a run offer it too.
	test.Tap(findButton(t, u.run.guidance.content, "Explain an error from a log…"))
	if !u.showing(x.content) {
		t.Error("Guidance's button did not open the explain screen")
	}
	test.Tap(findButton(t, x.content, "Close  (Esc)"))
	if !u.showing(u.run.content) {
		t.Error("Close did not go back")
	}
}

// The explain screen with an explanation, light and dark.
func TestExplainSnapshot(t *testing.T) {
	for _, tc := range []struct {
		th   fyne.Theme
		file string
	}{{themeVariant(theme.VariantLight), "explain_light.png"}, {themeVariant(theme.VariantDark), "explain_dark.png"}} {
		t.Run(tc.file, func(t *testing.T) {
			assertSnapshot(t, tc.file, func() image.Image { return explainScreenCapture(t, tc.th) })
		})
	}
}

func explainScreenCapture(t *testing.T, th fyne.Theme) image.Image {
	t.Helper()
	e := newEnv(t, Deps{}, acme())
	u := e.u
	u.ExplainError()
	u.explainer.input.SetText(pastedTokenError)
	u.explainer.primary()
	u.Wait()
	return captureAt(t, u, th)
}

// A real answer from the sandbox (a live run over HTTP on 127.0.0.1), pasted as support
// staff would get it from a log: "Explain an error…" names the same finding as the live
// check and explains it with the same title Guidance showed.
func TestExplainPastedSandboxAnswer(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	for _, name := range []string{"Sandbox: rotated-secret", "Sandbox: read-only-write"} {
		u.selectProfile(name)
		u.StartRun()
		u.Wait()
		r := u.desk.RunOf(name)
		var live check.Finding
		var answer check.Exchange
		for _, s := range r.Report.Steps {
			for _, f := range s.Findings {
				if f.Severity == check.SevFail && live.Code == "" && len(s.Exchanges) > 0 {
					live, answer = f, s.Exchanges[len(s.Exchanges)-1]
				}
			}
		}
		if live.Code == "" {
			t.Fatalf("%s: no failing finding with an answer", name)
		}
		pasted := fmt.Sprintf("%s %s\nHTTP/1.1 %d %s\n%s", answer.Method, answer.URL, answer.Status, http.StatusText(answer.Status), answer.ResponseBody)
		u.ExplainError()
		u.explainer.input.SetText(pasted)
		u.StartRun() // Ctrl+Enter explains
		u.Wait()
		res := u.explainer.res
		if res == nil || !res.Recognised || res.Findings[0].Code != live.Code {
			t.Fatalf("%s: pasted %q explained as %+v, the live check said %s", name, pasted, res, live.Code)
		}
		if want := guide.Explain(live.Code, live.Evidence).Title; !strings.Contains(texts(u.explainer.list), want) {
			t.Errorf("%s: explanation lacks %q", name, want)
		}
		u.closeTool()
	}
}
