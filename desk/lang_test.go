package desk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/testdir"
)

// TestTheDesksLanguage: once the app chose Bulgarian, the guide's explanations and the
// record values the desk writes are in it; the hash and the field names stay as they are.
func TestTheDesksLanguage(t *testing.T) {
	d, _ := newDesk(t, Deps{}, profile("A", "https://acme.my.erp.net"))
	en := d.Explain(check.TokInvalidClient, nil).Title
	d.SetLanguage(i18n.For("bg"))
	if bg := d.Explain(check.TokInvalidClient, nil).Title; bg == en || !strings.ContainsAny(bg, "абвгдежзийклмнопрстуфхцчшщъьюя") {
		t.Errorf("the explanation's title in Bulgarian is %q (English %q)", bg, en)
	}
	s := check.NewAppSetup(profile("A", "https://acme.my.erp.net"), check.ApplicationSecretHash("secret-value"))
	path := filepath.Join(testdir.New(t), "setup.txt")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan Written, 1)
	d.ExportSetup(wc, s, false, func(w Written) { got <- w })
	if w := await(t, got); w.Err != nil {
		t.Fatal(w.Err)
	}
	raw, err := os.ReadFile(path)
	if text := string(raw); err != nil || !strings.Contains(text, s.ApplicationSecretHash) || !strings.ContainsAny(text, "абвгдежзийклмнопрстуфхцчшщъьюя") {
		t.Errorf("the record values in Bulgarian (%v):\n%s", err, raw)
	}
}
