package fynelang

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"trustedapp-tester/internal/i18n"
)

// Fyne's own strings follow the chosen language, whatever the system's, and switch
// back and forth.
func TestUseSwitchesFynesStrings(t *testing.T) {
	for _, tc := range []struct {
		l                  *i18n.Localizer
		code, cancel, name string
	}{
		{i18n.For("bg"), "bg", "Отказ", "Име"},
		{i18n.For("en"), "en", "Cancel", "Name"},
		{i18n.For("bg"), "bg", "Отказ", "Име"},
		{nil, "en", "Cancel", "Name"},
	} {
		if err := Use(tc.l); err != nil {
			t.Fatal(err)
		}
		if got := Speaks(); got != tc.code {
			t.Errorf("Speaks() = %q, want %q", got, tc.code)
		}
		if got := lang.L("Cancel"); got != tc.cancel {
			t.Errorf("%s: Cancel is %q, want %q", tc.code, got, tc.cancel)
		}
		if got := lang.X("file.name", "Name"); got != tc.name {
			t.Errorf("%s: file.name is %q, want %q", tc.code, got, tc.name)
		}
	}
}

// fyneDir is the directory of the Fyne module the program builds with.
func fyneDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: Fyne's files are compared where it is")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("go list -m fyne.io/fyne/v2: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// FyneLanguages are the languages the Fyne in go.mod ships: a newer Fyne with another
// language would otherwise keep its own words for a system in that language.
func TestFyneLanguagesAreFynes(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(fyneDir(t), "lang", "translations", "base.*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Fyne translations found: %v", err)
	}
	var codes []string
	for _, n := range names {
		c := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(n), "base."), ".json")
		codes = append(codes, strings.ReplaceAll(c, "_", "-"))
	}
	slices.Sort(codes)
	ours := slices.Clone(FyneLanguages)
	slices.Sort(ours)
	if !slices.Equal(codes, ours) {
		t.Errorf("Fyne ships %v; FyneLanguages is %v", codes, ours)
	}
}

// assets/translations/fyne.en.json is Fyne's own English, key for key, so every string
// of Fyne's widgets has a Bulgarian translation checked against it.
func TestFyneEnglishIsFynes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fyneDir(t), "lang", "translations", "base.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	fyneEN, err := i18n.ParseFile(data, "base.en.json")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := i18n.ReadFile("fyne.en.json")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(fyneEN)
	b, _ := json.Marshal(ours)
	if string(a) != string(b) {
		t.Errorf("fyne.en.json differs from Fyne's base.en.json: copy it again and translate what changed\nFyne: %s\nours: %s", a, b)
	}
}
