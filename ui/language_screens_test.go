package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/profiles"
)

// bulgarianScreen is one screen of the window in Bulgarian: how to open it, and words
// it must show in Bulgarian.
type bulgarianScreen struct {
	name string // a name starting "failing" runs the failing scenario
	open func(e *env)
	want []string
}

func bulgarianScreens() []bulgarianScreen {
	edit := func(e *env) {
		p, _ := e.u.desk.Current()
		e.u.editor.open(&p)
	}
	tab := func(id string) func(e *env) {
		return func(e *env) {
			e.u.StartRun()
			e.u.Wait()
			e.u.run.openTab(id)
		}
	}
	return []bulgarianScreen{
		{"failing run, Guidance", tab("Guidance"), []string{"ВЕРОЯТНИ ПРИЧИНИ", "ПРОВЕРЕТЕ", "ПОПРАВКА", "Документацията", "Неуспех след"}},
		{"run view, Guidance", tab("Guidance"), []string{"Тествай", "Редактиране", "Достъпност", "Насоки", "Минимални права", "ДЕЙСТВА КАТО", "Успех за"}},
		{"run view, Claims", tab("Claims"), []string{"ТОКЕН ЗА ДОСТЪП", "Твърдение", "Показване"}},
		{"run view, API calls", tab("API calls"), []string{"СОБСТВЕНО ИЗВИКВАНЕ С ТОЗИ ТОКЕН", "Изпращане", "Запазване в профила"}},
		{"run view, Exchanges", tab("Exchanges"), []string{"Всички заявки отидоха към"}},
		{"run view, Record", tab("Record"), []string{"Чети с", "Четене на записа"}},
		// The checklist's values, expectations and notes are check's, said in the app's
		// language as the CLI says them (report.RecordIn, FormNoteIn).
		{"run view, Record from the form", func(e *env) {
			tab("Record")(e)
			e.u.Wait()
			rt := e.u.run.record
			rt.chooseForm()
			p, _ := e.u.desk.Current()
			test.Type(rt.form, "Application Uri\t"+p.ClientID+"\nIs Enabled\tYes\nColour\tblue\nScope\tread\n")
			test.Tap(rt.read)
		}, []string{"няма го във формуляра", "Копирайте SystemUser от формуляра на довереното приложение", "Добавете update в Scope", "не е поле"}},
		{"editor, client credentials", edit, []string{"Редактиране на „Nightly import“", "Влиза с", "Клиентска тайна", "Удостоверяване", "Обхвати", "Запазване", "Отказ  (Esc)"}},
		{"shortcuts", func(e *env) { e.u.ShowShortcuts() }, []string{"Клавишни комбинации", "Към следващата контрола или обратно"}},
		{"fleet view", func(e *env) { e.u.Fleet() }, []string{"Всички профили", "Тествай видимите (1)", "Тествай избраните (1)", "Всички среди", "Всички етикети", "Ред: Име", "Задаване на тайни…", "Експорт…", "Затваряне  (Esc)", "1 профил · 0 с неуспех или нетествани", "Не е тестван: натиснете „Тествай“"}},
	}
}

// TestBulgarianOnEveryScreen: in Bulgarian (the system's language) every screen shows
// its words in Bulgarian, the language menu says which is chosen, and the window's
// minimum width stays within the smallest supported window (1024), so that longer
// words never push it wider than the screen.
func TestBulgarianOnEveryScreen(t *testing.T) {
	for _, sc := range bulgarianScreens() {
		t.Run(sc.name, func(t *testing.T) {
			speakEnglishAfter(t)
			systemLanguage = func() string { return "bg_BG.UTF-8" }
			t.Cleanup(func() { systemLanguage = func() string { return "en" } })
			rep := healthyReport()
			if strings.HasPrefix(sc.name, "failing") {
				rep = scopeFailReport()
			}
			e := newEnv(t, Deps{Run: replayRun(rep)}, acme())
			sc.open(e)
			e.u.Wait()
			e.u.win.Resize(fyne.NewSize(1024, 700))
			got := texts(e.u.win.Canvas().Content())
			if top := e.u.win.Canvas().Overlays().Top(); top != nil {
				got += texts(top)
			}
			for _, w := range sc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s lacks %q:\n%s", sc.name, w, got)
				}
			}
			if w := e.u.Content().MinSize().Width; w > 1024 {
				t.Errorf("%s: the window needs %.0f px, more than the smallest window (1024)", sc.name, w)
			}
		})
	}
}

// TestBulgarianEditorFitsForEveryKind: the editor's form for each kind, its Advanced
// section included (Fyne counts it closed too), fits the smallest window in Bulgarian.
func TestBulgarianEditorFitsForEveryKind(t *testing.T) {
	for _, p := range []profiles.Profile{acme(), patProfile(), biProfile()} {
		t.Run(p.Name, func(t *testing.T) {
			speakEnglishAfter(t)
			systemLanguage = func() string { return "bg" }
			t.Cleanup(func() { systemLanguage = func() string { return "en" } })
			e := newEnv(t, Deps{}, p)
			q, _ := e.u.desk.Current()
			e.u.editor.open(&q)
			if w := e.u.Content().MinSize().Width; w > 1024 {
				t.Errorf("the editor of a %s profile needs %.0f px in Bulgarian, more than 1024", p.KindOf(), w)
			}
			if got := texts(e.u.editor.content); !strings.Contains(got, kindLabelOf(p.KindOf())) || strings.Contains(got, p.KindOf().Label()) {
				t.Errorf("the kind is not said in Bulgarian:\n%s", got)
			}
		})
	}
}

// inBulgarianSystem makes the window's system language Bulgarian for one test.
func inBulgarianSystem(t *testing.T) {
	t.Helper()
	speakEnglishAfter(t)
	systemLanguage = func() string { return "bg_BG.UTF-8" }
	t.Cleanup(func() { systemLanguage = func() string { return "en" } })
}

// TestKeyboardWalkInBulgarian: the keyboard walk of the main window, each evidence tab,
// the fleet view and the editor holds in Bulgarian too (every control reached, in view, Esc safe).
func TestKeyboardWalkInBulgarian(t *testing.T) {
	inBulgarianSystem(t)
	e := walkEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	for i, it := range u.run.tabs.Items {
		u.run.tabs.SelectIndex(i)
		u.Wait()
		walkTabs(t, u, "failing, "+it.Text)
	}
	u.Fleet()
	u.Wait()
	walkTabs(t, u, "fleet view")
	u.fleet.escape()
	u.Wait()
	u.EditCurrent()
	walkTabs(t, u, "editor")
}

// TestScreenReaderLabelsInBulgarian: what a screen reader hears is Bulgarian: the tabs
// with their place, the steps with their verdict, the header's button.
func TestScreenReaderLabelsInBulgarian(t *testing.T) {
	inBulgarianSystem(t)
	e := newEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	for i, it := range u.run.tabs.Items {
		u.run.tabs.SelectIndex(i)
		u.Wait()
		lines, bad := screenReaderView(u.win.Canvas().Content())
		for _, b := range bad {
			t.Errorf("%s: %s", it.Text, b)
		}
		all := strings.Join(lines, "\n")
		for _, want := range []string{"button: раздел " + it.Text + ", " + fmt.Sprint(i+1) + " от 6, избран", "button: Тествай", "button: Токен: неуспех, invalid_scope"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: the walker does not read %q:\n%s", it.Text, want, all)
			}
		}
	}
	u.EditCurrent()
	lines, bad := screenReaderView(u.win.Canvas().Content())
	for _, b := range bad {
		t.Errorf("editor: %s", b)
	}
	if all := strings.Join(lines, "\n"); !strings.Contains(all, "Запазване") || !strings.Contains(all, "Отказ  (Esc)") {
		t.Errorf("editor: its buttons are not read in Bulgarian:\n%s", all)
	}
}
