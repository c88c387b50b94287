package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
)

// The editor shows the ApplicationSecretHash of the secret as it is typed, warns about
// spaces around it, shows the stored secret's hash (known from a run, or asked for with
// a click: the secret stays in the desk), and copies the hash, never the secret.
func TestEditorShowsTheSecretHash(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	ed := u.editor
	u.EditCurrent()
	if ed.hashRow.Visible() || !ed.hashAsk.Visible() {
		t.Fatal("before asking: the stored hash should be one click away")
	}
	test.Tap(ed.hashAsk)
	u.Wait()
	stored := check.ApplicationSecretHash("seed-secret-Nightly import")
	if !ed.hashRow.Visible() || ed.hashValue.Text != stored || !strings.Contains(ed.hashCaption.Text, "of the stored secret") {
		t.Fatalf("stored: %q %q", ed.hashCaption.Text, ed.hashValue.Text)
	}
	test.Type(ed.secret, "new-secret")
	if ed.hashValue.Text != check.ApplicationSecretHash("new-secret") || !strings.Contains(ed.hashCaption.Text, "of the secret typed") {
		t.Fatalf("typed: %q %q", ed.hashCaption.Text, ed.hashValue.Text)
	}
	test.Type(ed.secret, " ")
	if !strings.Contains(ed.hashCaption.Text, "starts or ends with a space") || ed.hashValue.Text != check.ApplicationSecretHash("new-secret ") {
		t.Errorf("trailing space: %q", ed.hashCaption.Text)
	}
	test.Tap(ed.hashCopy)
	if got := u.app.Clipboard().Content(); got != check.ApplicationSecretHash("new-secret ") || strings.Contains(u.status.Text, "new-secret") {
		t.Errorf("copied %q, status %q", got, u.status.Text)
	}
	ed.secret.SetText("")
	if ed.hashValue.Text != stored {
		t.Errorf("cleared: %q", ed.hashValue.Text)
	}
	u.closeEditor()

	// After a run the desk knows the hash: shown at once.
	u.StartRun()
	u.Wait()
	u.EditCurrent()
	if ed.hashValue.Text != stored || ed.hashAsk.Visible() {
		t.Errorf("after a run: %q (button %v)", ed.hashValue.Text, ed.hashAsk.Visible())
	}
	u.closeEditor()

	// A new profile has none; a profile whose secret is gone says so.
	u.NewProfile()
	if ed.hashRow.Visible() || ed.hashAsk.Visible() {
		t.Error("a new profile shows a stored hash")
	}
	u.closeEditor()
	if err := e.secrets.Delete("Nightly import"); err != nil {
		t.Fatal(err)
	}
	u.StartRun() // no secret: the run does not start, and the old run's hash is kept
	u.Wait()
	closeDialogs(u)
	p, _ := u.desk.Current()
	p.SecretSetAt = p.SecretSetAt.Add(time.Second)
	if err := e.store.MarkSecretSet(p.Name, p.SecretSetAt); err != nil {
		t.Fatal(err)
	}
	u.Reload(p.Name)
	u.Wait()
	u.EditCurrent()
	test.Tap(ed.hashAsk)
	u.Wait()
	if ed.hashRow.Visible() || !strings.Contains(u.status.Text, "has no client secret stored") {
		t.Errorf("no secret: row %v, status %q", ed.hashRow.Visible(), u.status.Text)
	}
}
