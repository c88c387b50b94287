package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"trustedapp-tester/internal/i18n"
)

// Each of TestTranslations' checks fails a translation that breaks it (a check that
// cannot fail tests nothing).
func TestShapeChecksCatchBrokenTranslations(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		src       source
		tr        i18n.Entry
		want      string // a word of the complaint; "" for none
	}{
		{"verbs kept", "cli.x", source{other: "%q is on %s"}, i18n.Entry{Other: "%q е на %s"}, ""},
		{"verbs reordered by index", "cli.x", source{other: "%s of %d"}, i18n.Entry{Other: "%[2]d от %[1]s"}, ""},
		{"a verb lost", "cli.x", source{other: "%q is on %s"}, i18n.Entry{Other: "%q е на"}, "format verbs"},
		{"a verb changed", "cli.x", source{other: "%d fields"}, i18n.Entry{Other: "%s полета"}, "format verbs"},
		{"a template action lost", "app.x", source{other: "{{.Count}} profiles"}, i18n.Entry{Other: "профили"}, "template actions"},
		{"a {word} lost", "cli.x", source{other: "methods: {methods}"}, i18n.Entry{Other: "методи:"}, "placeholders"},
		{"a field name translated", "cli.x", source{other: "Tick SystemUserAllowed"}, i18n.Entry{Other: "Отметнете РазрешенСистеменПотребител"}, "SystemUserAllowed"},
		{"a code translated", "guide.x.what", source{other: "answered invalid_client"}, i18n.Entry{Other: "върна невалиден_клиент"}, "invalid_client"},
		{"a flag translated", "cli.x", source{other: "use --fresh"}, i18n.Entry{Other: "използвайте --нов"}, "--fresh"},
		{"a URL changed", "cli.x", source{other: "see https://example.com/a.html"}, i18n.Entry{Other: "вижте https://example.com/b.html"}, "https://example.com/a.html"},
		{"a trailing line break lost", "cli.x", source{other: "Saved.\n"}, i18n.Entry{Other: "Записано."}, "line breaks"},
		{"a column lost", "cli.x", source{other: "NAME\tSECRET"}, i18n.Entry{Other: "ИМЕ ТАЙНА"}, "tabs"},
		{"a plural without one", "cli.x", source{other: "%d fields", plural: true}, i18n.Entry{Other: "%d полета"}, "one"},
		{"a plural's one loses its verb", "cli.x", source{other: "%d fields", plural: true}, i18n.Entry{One: "едно поле", Other: "%d полета"}, "format verbs"},
		{"plural forms for a message without", "cli.x", source{other: "fields"}, i18n.Entry{One: "поле", Other: "полета"}, "plural forms"},
		{"guide: a segment moved", "guide.x.what", source{other: "The call[[ to {url}]] failed[[: {error}]]."},
			i18n.Entry{Other: "Извикването[[: {error}]] не успя[[ към {url}]]."}, ""},
		{"guide: a segment's keys changed", "guide.x.what", source{other: "[[{method} {path}||The call]] failed."},
			i18n.Entry{Other: "[[{method}||Извикването]] не успя{path}."}, "placeholders"},
		{"guide: a segment dropped", "guide.x.what", source{other: "It failed[[: {error}]]."},
			i18n.Entry{Other: "Не успя: {error}."}, "placeholders"},
	} {
		got := strings.Join(shapeProblems(tc.key, tc.src, tc.tr), "\n")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s: complained: %s", tc.name, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s: no complaint about %q, got %q", tc.name, tc.want, got)
		}
	}
}

func TestPrintfVerbs(t *testing.T) {
	for in, want := range map[string][]string{
		"%s and %d":       {"1s", "2d"},
		"%[2]d of %[1]s":  {"1s", "2d"},
		"100%% %-8s %.1f": {"1s", "2f"},
		"%*d":             {"1*", "2d"},
		"no verbs":        nil,
	} {
		if got := printfVerbs(in); !slices.Equal(got, want) {
			t.Errorf("printfVerbs(%q) = %v, want %v", in, got, want)
		}
	}
}

// The scanner finds translation calls the way `fyne translate` does, and refuses a
// call no tool could extract.
func TestTranslationCallsAreFound(t *testing.T) {
	calls, bad := translationCalls(t, moduleRoot(t))
	if len(bad) > 0 {
		t.Fatalf("calls no tool can extract:\n%s", strings.Join(bad, "\n"))
	}
	found := map[string]bool{}
	for _, c := range calls {
		found[c.key] = true
	}
	// One of each form: a package-level receiver (cmd), a parameter (report), a
	// plural.
	for _, k := range []string{"cli.unknown_command", "report.mark.pass", "cli.record.fields_to_fix", "explain.removed"} {
		if !found[k] {
			t.Errorf("the scan did not find %s", k)
		}
	}
}

// A translation made from other English is stale; a missing one is missing; one of a
// message that is gone is an orphan; stamping records the hash of entries without one.
func TestCompareTranslations(t *testing.T) {
	srcs := map[string]source{
		"a": {other: "Run the check again."},
		"b": {other: "Cancel"},
		"c": {other: "Saved."},
		"d": {other: "New"},
	}
	tr := map[string]i18n.Entry{
		"a": {Hash: i18n.SourceHash("Run the check once more."), Other: "Изпълнете проверката отново."}, // English changed since
		"b": {Hash: i18n.SourceHash("Cancel"), Other: "Отказ"},                                          // up to date
		"d": {Other: "Нов"},                                                                             // never stamped
		"e": {Hash: i18n.SourceHash("Gone"), Other: "Няма го"},                                          // nothing says it
	}
	file := map[string]string{"a": "x.bg.json", "b": "x.bg.json", "d": "x.bg.json", "e": "x.bg.json"}
	r := compareTranslations(srcs, tr, file, false)
	if len(r.stale) != 2 || !strings.HasPrefix(r.stale[0], "a ") || !strings.Contains(r.stale[0], "English changed") || !strings.HasPrefix(r.stale[1], "d ") {
		t.Errorf("stale: %q", r.stale)
	}
	if len(r.missing) != 1 || !strings.HasPrefix(r.missing[0], "c ") {
		t.Errorf("missing: %q", r.missing)
	}
	if len(r.orphans) != 1 || !strings.HasPrefix(r.orphans[0], "e ") {
		t.Errorf("orphans: %q", r.orphans)
	}
	if r.todo["a"]["hash"] != i18n.SourceHash("Run the check again.") {
		t.Errorf("todo: %v", r.todo["a"])
	}
	r = compareTranslations(srcs, tr, file, true)
	if !slices.Equal(r.toStamp["x.bg.json"], []string{"d"}) || len(r.stale) != 1 {
		t.Errorf("stamping stamps %v (stale %q); want d only, a still stale", r.toStamp, r.stale)
	}
}
