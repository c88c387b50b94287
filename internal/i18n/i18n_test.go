package i18n

import (
	"fmt"
	"slices"
	"testing"
)

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"bg": "bg", "BG": "bg", "bg-BG": "bg", "bg_BG.UTF-8": "bg", "bg_BG@euro": "bg", " bg ": "bg",
		"en": "en", "en_US.UTF-8": "en", "en-GB": "en",
		"de": "", "de_DE.UTF-8": "", "C": "", "POSIX": "", "": "", "bulgarian?": "", "ru-BG": "",
	} {
		got, ok := Match(in)
		if got != want || ok != (want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// The POSIX variables are read as gettext reads them.
func TestEnvLanguages(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
		set  bool
	}{
		{map[string]string{}, "en", false},
		{map[string]string{"LANG": "bg_BG.UTF-8"}, "bg", true},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "bg_BG.UTF-8"}, "bg", true},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "bg_BG.UTF-8"}, "en", true},
		// LANGUAGE comes first, in order, skipping what is not spoken.
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "de:bg:en"}, "bg", true},
		{map[string]string{"LANGUAGE": "bg"}, "bg", true},
		// ... unless the locale is C or POSIX, which asks for English.
		{map[string]string{"LC_ALL": "C", "LANGUAGE": "bg"}, "en", true},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "bg"}, "en", true},
		{map[string]string{"LANG": "POSIX", "LANGUAGE": "bg"}, "en", true},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "en", true},
	} {
		langs, set := envLanguages(func(k string) string { return tc.env[k] })
		if got := firstSpoken(langs); got != tc.want || set != tc.set {
			t.Errorf("%v: %q (set %v) from %v; want %q (set %v)", tc.env, got, set, langs, tc.want, tc.set)
		}
	}
}

func TestParseAppleLanguages(t *testing.T) {
	out := "(\n    \"bg-BG\",\n    en,\n    \"zh-Hans-CN\"\n)\n"
	if got := parseAppleLanguages(out); !slices.Equal(got, []string{"bg-BG", "en", "zh-Hans-CN"}) {
		t.Errorf("parseAppleLanguages = %q", got)
	}
	if got := parseAppleLanguages("2026-12-06 The domain/default pair of (kCFPreferencesAnyApplication, AppleLanguages) does not exist\n"); len(got) != 0 {
		t.Errorf("an error message read as languages: %q", got)
	}
	if got := firstSpoken(parseAppleLanguages("(\n \"de-DE\",\n \"bg-BG\"\n)")); got != "bg" {
		t.Errorf("the first language spoken is %q, want bg", got)
	}
}

func TestLangIDName(t *testing.T) {
	for id, want := range map[uint16]string{0x0402: "bg", 0x0409: "en", 0x0809: "en", 0x0407: "", 0: ""} {
		if got := langIDName(id); got != want {
			t.Errorf("langIDName(%#x) = %q, want %q", id, got, want)
		}
	}
}

// The system's language is one the program speaks, whatever the machine says.
func TestSystem(t *testing.T) {
	if c, ok := Match(System()); !ok || c != System() {
		t.Errorf("System() = %q, not a language the program speaks", System())
	}
}

func TestLocalizer(t *testing.T) {
	var none *Localizer
	if got := none.X("report.mark.pass", "PASS"); got != "PASS" || none.Code() != "en" || none.Err() != nil {
		t.Errorf("the nil Localizer says %q (%s, %v), want English", got, none.Code(), none.Err())
	}
	bg := For("bg_BG.UTF-8")
	if bg != For("bg") {
		t.Error("For makes a Localizer per call, not one per language")
	}
	if err := bg.Err(); err != nil {
		t.Fatal(err)
	}
	if got := bg.X("report.mark.pass", "PASS"); got != "УСПЕХ" {
		t.Errorf("bg says %q", got)
	}
	if got := For("de").X("report.mark.pass", "PASS"); got != "PASS" {
		t.Errorf("a language not spoken says %q, want English", got)
	}
	// A key no file has falls back to the code's English, with its data.
	if got := bg.X("test.no.such.key", "Hello {{.Name}}", map[string]string{"Name": "Ана"}); got != "Hello Ана" {
		t.Errorf("missing key: %q", got)
	}
	// A template that cannot be parsed is said as it is, never lost.
	if got := bg.X("test.broken", "a {{.Broken"); got != "a {{.Broken" {
		t.Errorf("broken template: %q", got)
	}
}

// Plurals pick their form by the language's rule: Bulgarian and English have one and
// other.
func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		code  string
		n     int
		want  string
		other bool
	}{
		{"bg", 1, "1 поле за поправяне.", false},
		{"bg", 2, "2 полета за поправяне.", true},
		{"bg", 21, "21 полета за поправяне.", true},
		{"en", 1, "1 field to fix.", false},
		{"en", 0, "0 fields to fix.", true},
	} {
		got := fmt.Sprintf(For(tc.code).XN("cli.record.fields_to_fix", "%d fields to fix.", tc.n), tc.n)
		if got != tc.want {
			t.Errorf("%s, %d: %q, want %q", tc.code, tc.n, got, tc.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"Профил": 6, "Profile": 7, "": 0, "日本": 4, "é": 1} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
	if got := Pad("ОК", 5); got != "ОК   " {
		t.Errorf("Pad = %q", got)
	}
	if got := Pad("ВНИМАНИЕ", 4); got != "ВНИМАНИЕ" {
		t.Errorf("Pad cut a wider text: %q", got)
	}
}

func TestFiles(t *testing.T) {
	for _, l := range Languages {
		if len(Files(l.Code)) == 0 {
			t.Errorf("no translation files for %s", l.Code)
		}
	}
	if _, err := ParseFile([]byte(`{"a": "x", "Description": "y"}`), "x.bg.json"); err == nil {
		t.Error("a file mixing a reserved key with others parsed")
	}
	if got := SourceHash("Cancel"); got != "sha1-77dfd2135f4db726c47299bb55be26f7f4525a46" {
		t.Errorf("SourceHash = %s, not go-i18n's", got)
	}
}
