package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/i18n/fynelang"
	"trustedapp-tester/profiles"
)

// speakEnglishAfter puts the app's language back to English when the test ends: lang
// and Fyne's strings are the process's, and the other tests read English.
func speakEnglishAfter(t testing.TB) {
	t.Helper()
	t.Cleanup(func() {
		lang.cur.Store(i18n.For("en"))
		if err := fynelang.Use(i18n.For("en")); err != nil {
			t.Error(err)
		}
	})
}

// inBulgarian is a window in Bulgarian, chosen in the app as a user would.
func inBulgarian(t testing.TB, deps Deps, seed ...profiles.Profile) *env {
	t.Helper()
	speakEnglishAfter(t)
	e := newEnv(t, deps, seed...)
	e.u.SetLanguage("bg")
	e.u.Wait()
	return e
}

// mainMenuLabels are the main menu's titles and items, submenus included.
func mainMenuLabels(u *UI) []string {
	var out []string
	var walk func(m *fyne.Menu)
	walk = func(m *fyne.Menu) {
		out = append(out, m.Label)
		for _, it := range m.Items {
			out = append(out, it.Label)
			if it.ChildMenu != nil {
				walk(it.ChildMenu)
			}
		}
	}
	for _, m := range u.win.MainMenu().Items {
		walk(m)
	}
	return out
}

// languageItem is Help > Language > label.
func languageItem(t *testing.T, u *UI, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.ChildMenu == nil {
				continue
			}
			for _, c := range it.ChildMenu.Items {
				if c.Label == label {
					return c
				}
			}
		}
	}
	t.Fatalf("no language item %q in %q", label, mainMenuLabels(u))
	return nil
}

func TestLanguageSwitchesAtRunTime(t *testing.T) {
	speakEnglishAfter(t)
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	if got := strings.Join(mainMenuLabels(u), "|"); !strings.Contains(got, "Profile|Test this Trusted App") || !strings.Contains(got, "Language||System (English)|English|Български") {
		t.Fatalf("English menus: %s", got)
	}
	if it := languageItem(t, u, "System (English)"); !it.Checked {
		t.Error("the system's language is not checked at first")
	}

	languageItem(t, u, "Български").Action()
	u.Wait()
	got := strings.Join(mainMenuLabels(u), "|")
	for _, want := range []string{"Профил|Тествай това доверено приложение", "Помощ", "Език||Системният (English)|English|Български", "Клавишни комбинации…"} {
		if !strings.Contains(got, want) {
			t.Errorf("Bulgarian menus lack %q: %s", want, got)
		}
	}
	if it := languageItem(t, u, "Български"); !it.Checked {
		t.Error("Български is not checked once chosen")
	}
	if p := e.app.Preferences().String(languagePref); p != "bg" {
		t.Errorf("the choice kept as %q, want bg", p)
	}
	if s := fynelang.Speaks(); s != "bg" {
		t.Errorf("Fyne's own strings are in %q", s)
	}
	if lang.Code() != "bg" {
		t.Errorf("the app speaks %q", lang.Code())
	}
	// The screens were made again in Bulgarian: the run view with its last run.
	screen := texts(u.win.Canvas().Content())
	for _, want := range []string{"Тествай", "Редактиране", "ДЕЙСТВА КАТО", "Достъпност", "Търсене на профили", "Успех за"} {
		if !strings.Contains(screen, want) {
			t.Errorf("after the switch the window lacks %q:\n%s", want, screen)
		}
	}
	if !strings.HasPrefix(u.statusText(), "Успех за") {
		t.Errorf("the status line after the switch: %q", u.statusText())
	}

	languageItem(t, u, "Системният (English)").Action()
	u.Wait()
	if got := strings.Join(mainMenuLabels(u), "|"); !strings.Contains(got, "Profile|Test this Trusted App") {
		t.Fatalf("back to the system's language, the menus are %s", got)
	}
	if p := e.app.Preferences().String(languagePref); p != "" {
		t.Errorf("the system's language kept as %q, want \"\"", p)
	}
	if s := fynelang.Speaks(); s != "en" {
		t.Errorf("Fyne's own strings are in %q", s)
	}
}

// TestLanguageKeptForTheNextStart: a window made over preferences that chose Bulgarian
// speaks it from the start, whatever the system's language.
func TestLanguageKeptForTheNextStart(t *testing.T) {
	speakEnglishAfter(t)
	e := newEnv(t, Deps{}, acme())
	e.app.Preferences().SetString(languagePref, "bg")
	u := New(e.app, desk.Deps{Store: desk.NewStore(e.store), Secrets: e.keychain})
	t.Cleanup(func() { u.Wait(); u.Window().Close() })
	u.Wait()
	if got := mainMenuLabels(u); got[0] != "Профил" {
		t.Fatalf("the next start's menus: %q", got)
	}
	// A preference no language matches is the system's.
	e.app.Preferences().SetString(languagePref, "xx")
	if u.languageChoice() != "" {
		t.Errorf("an unknown preference chose %q", u.languageChoice())
	}
}

// TestLanguageWaitsForTheEditor: the editor's unsaved changes are not lost to a
// rebuild; the language applies when the editor closes.
func TestLanguageWaitsForTheEditor(t *testing.T) {
	speakEnglishAfter(t)
	e := newEnv(t, Deps{}, acme())
	u := e.u
	u.EditCurrent()
	editor := u.editor
	u.SetLanguage("bg")
	if u.editor != editor || mainMenuLabels(u)[0] != "Profile" {
		t.Fatal("the screens were rebuilt under the open editor")
	}
	if !strings.Contains(u.statusText(), "редакторът се затвори") {
		t.Errorf("the status line says %q", u.statusText())
	}
	u.closeEditor()
	if mainMenuLabels(u)[0] != "Профил" {
		t.Errorf("closing the editor left the menus %q", mainMenuLabels(u))
	}
}
