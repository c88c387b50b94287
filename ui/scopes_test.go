package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/profiles"
)

func TestScopeChipsToggleAndCustom(t *testing.T) {
	e := newEnv(t, Deps{})
	u := e.u
	u.editor.open(nil)
	ed := u.editor
	sp := ed.scopes

	// Every known ERP.net scope is offered, plus the legacy DomainApi.
	for _, s := range profiles.KnownScopes() {
		if sp.chip(s.Name) == nil {
			t.Errorf("no chip for the known scope %q", s.Name)
		}
	}
	if sp.chip("DomainApi") == nil {
		t.Error("no chip for the legacy DomainApi")
	}
	// A new profile starts with read.
	if got := strings.Join(ed.selectedScopes(), " "); got != "read" {
		t.Fatalf("new profile scopes = %q", got)
	}
	if c := sp.chip("read"); c.Outlined || !strings.HasPrefix(chipCaption(c), "✔ ") {
		t.Errorf("selected read chip = %q outlined %v", c.Text, c.Outlined)
	}
	if c := sp.chip("update"); !c.Outlined || c.Icon != nil {
		t.Errorf("unselected update chip = %q outlined %v", c.Text, c.Outlined)
	}

	// Scopes a service app never gets, and legacy ones, are marked, with the reason.
	for name, mark := range map[string]string{"openid": "sign-in only", "profile": "sign-in only", "offline_access": "sign-in only", "DomainApi": "legacy"} {
		if c := sp.chip(name); !strings.Contains(c.Text, mark) {
			t.Errorf("chip %q = %q, want it marked %q", name, c.Text, mark)
		}
		if !strings.Contains(sp.hint.Text, name) {
			t.Errorf("hint lacks %s: %q", name, sp.hint.Text)
		}
	}
	if want := "offline_access, openid, profile: interactive sign-in only, a client-credentials token never gets them. DomainApi: legacy, current ERP.net versions use read and update."; !strings.Contains(sp.hint.Text, want) {
		t.Errorf("hint = %q, want the reasons %q", sp.hint.Text, want)
	}
	for _, name := range []string{"read", "update", "sec"} {
		if c := sp.chip(name); strings.Contains(c.Text, "·") {
			t.Errorf("service scope %q is marked: %q", name, c.Text)
		}
	}

	// Tapping toggles, in the order chosen.
	test.Tap(sp.chip("update"))
	test.Tap(sp.chip("read"))
	test.Tap(sp.chip("read"))
	if got := strings.Join(ed.selectedScopes(), " "); got != "update read" {
		t.Fatalf("after toggles: %q", got)
	}
	// Choosing openid warns right away.
	test.Tap(sp.chip("openid"))
	if !ed.warn.Visible() || !strings.Contains(ed.warn.Text, "openid is only for interactive sign-in") {
		t.Errorf("warning = %q", ed.warn.Text)
	}
	test.Tap(sp.chip("openid"))
	if ed.warn.Visible() {
		t.Errorf("warning stays after removing openid: %q", ed.warn.Text)
	}

	// Free text adds any other scope as a removable chip.
	test.Type(sp.entry, "custom.scope other")
	sp.entry.OnSubmitted(sp.entry.Text)
	if got := strings.Join(ed.selectedScopes(), " "); got != "update read custom.scope other" {
		t.Fatalf("after typing: %q", got)
	}
	if sp.entry.Text != "" || !sp.custom.Visible() {
		t.Error("the entry should clear and the custom chips show")
	}
	c := sp.chip("custom.scope")
	if c == nil || !strings.HasSuffix(c.Text, "×") {
		t.Fatalf("custom chip = %+v", c)
	}
	if !strings.Contains(ed.warn.Text, "“custom.scope” is not a scope ERP.net documents") {
		t.Errorf("warning = %q", ed.warn.Text)
	}
	test.Tap(c)
	if got := strings.Join(ed.selectedScopes(), " "); got != "update read other" || sp.chip("custom.scope") != nil {
		t.Fatalf("after removing: %q", got)
	}
	// The Add button does the same as Enter; duplicates are ignored.
	test.Type(sp.entry, "other")
	test.Tap(sp.add)
	if got := strings.Join(ed.selectedScopes(), " "); got != "update read other" {
		t.Fatalf("duplicate added: %q", got)
	}
}

// Scopes chosen as chips are what the profile stores, and reopening shows them.
func TestScopeChipsSaveAndReopen(t *testing.T) {
	p := acme()
	p.Scopes = []string{"update", "read", "x.custom"}
	e := newEnv(t, Deps{}, p)
	u := e.u
	test.Tap(u.run.header.edit)
	sp := u.editor.scopes
	if sp.chip("x.custom") == nil || sp.chip("update").Outlined || sp.chip("read").Outlined || !sp.chip("sec").Outlined {
		t.Fatalf("reopened chips do not match the profile: %v", sp.scopes())
	}
	test.Tap(sp.chip("x.custom"))
	test.Tap(sp.chip("sec"))
	test.Tap(u.editor.save)
	u.Wait()
	got, err := e.store.Get(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Scopes, " ") != "update read sec" {
		t.Fatalf("stored scopes = %v", got.Scopes)
	}
	// No scope chosen sends none: the header says what that means.
	test.Tap(u.run.header.edit)
	for _, s := range []string{"update", "read", "sec"} {
		test.Tap(u.editor.scopes.chip(s))
	}
	test.Tap(u.editor.save)
	u.Wait()
	got, _ = e.store.Get(p.Name)
	if len(got.Scopes) != 0 {
		t.Fatalf("stored scopes = %v, want none", got.Scopes)
	}
	if !strings.Contains(u.run.header.line.Text, "no scope sent (all of the app's scopes)") {
		t.Errorf("header = %q", u.run.header.line.Text)
	}
}
