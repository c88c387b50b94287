package i18n_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
)

var (
	stamp = flag.Bool("stamp", false, "record the hash of the English in every translation that has none (run it after translating or reviewing an entry)")
	todo  = flag.String("todo", "", "write the missing and stale translations, with their English, to this JSON file")
)

// source is one English message a translation must cover.
type source struct {
	other, one string
	plural     bool
	from       string // where the English is: a file:line, a translation file, guide
}

// englishFiles reads every *.en.json: the entries by key, and the file of each.
func englishFiles(t *testing.T) (map[string]i18n.Entry, map[string]string) {
	t.Helper()
	entries, files := map[string]i18n.Entry{}, map[string]string{}
	for _, name := range i18n.Files("en") {
		es, err := i18n.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for k, e := range es {
			if f, dup := files[k]; dup {
				t.Errorf("%s is in both %s and %s", k, f, name)
			}
			entries[k], files[k] = e, name
		}
	}
	return entries, files
}

// sources gathers the English every translation must cover: the code's calls (whose
// English must be the English file's), guide's catalogue, Fyne's strings.
func sources(t *testing.T) map[string]source {
	t.Helper()
	root := moduleRoot(t)
	calls, bad := translationCalls(t, root)
	for _, b := range bad {
		t.Error(b)
	}
	en, files := englishFiles(t)
	out := map[string]source{}
	for _, c := range calls {
		if prev, ok := out[c.key]; ok {
			if prev.other != c.src || prev.plural != c.plural {
				t.Errorf("%s: key %q is used with other English at %s", c.at, c.key, prev.from)
			}
			continue
		}
		e, ok := en[c.key]
		switch {
		case !ok:
			t.Errorf("%s: %q has no English in assets/translations/*.en.json (`fyne translate assets/translations/AREA.en.json DIR` adds it)", c.at, c.key)
			continue
		case e.Other != c.src:
			t.Errorf("%s: the English of %q in %s is not the code's:\n  code: %q\n  file: %q", c.at, c.key, files[c.key], c.src, e.Other)
		case c.plural && e.One == "":
			t.Errorf("%s: %q is a plural: %s needs its \"one\" form", c.at, c.key, files[c.key])
		case !c.plural && e.One != "":
			t.Errorf("%s: %q has plural forms in %s, but the code says it with X or L, not XN or N", c.at, c.key, files[c.key])
		}
		out[c.key] = source{other: c.src, one: e.One, plural: c.plural, from: c.at}
	}
	for k, e := range en {
		if files[k] == "fyne.en.json" {
			out[k] = source{other: e.Other, from: "fyne.en.json"}
			continue
		}
		if _, used := out[k]; !used {
			t.Errorf("%s: %q is used nowhere in the code: remove it", files[k], k)
		}
	}
	for k, s := range guide.Sources() {
		if prev, dup := out[k]; dup {
			t.Errorf("guide's key %q is also used at %s", k, prev.from)
		}
		out[k] = source{other: s, from: "guide"}
	}
	return out
}

// TestTranslations: every language has a translation of every English message, made
// from the English as it is now (its hash), with the English's placeholders and
// names; and no translation of a message that no longer exists.
func TestTranslations(t *testing.T) {
	srcs := sources(t)
	if len(srcs) < 100 {
		t.Fatalf("only %d English messages found: the scan is broken", len(srcs))
	}
	for _, l := range i18n.Languages[1:] {
		t.Run(l.Code, func(t *testing.T) { checkLanguage(t, l.Code, srcs) })
	}
}

func checkLanguage(t *testing.T, code string, srcs map[string]source) {
	tr := map[string]i18n.Entry{}
	file := map[string]string{}
	for _, name := range i18n.Files(code) {
		es, err := i18n.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for k, e := range es {
			if f, dup := file[k]; dup {
				t.Errorf("%s is in both %s and %s", k, f, name)
			}
			tr[k], file[k] = e, name
		}
	}
	r := compareTranslations(srcs, tr, file, *stamp)
	report(t, "no translation in "+code, r.missing)
	report(t, "stale translations in "+code, r.stale)
	report(t, "translations that lose a placeholder or a name", r.wrong)
	report(t, "translations of nothing", r.orphans)
	if *todo != "" && len(r.todo) > 0 {
		b, _ := marshal(r.todo)
		if err := os.WriteFile(*todo, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d entries to %s", len(r.todo), *todo)
	}
	for name, ks := range r.toStamp {
		stampFile(t, name, ks, srcs)
	}
}

// comparison is what compareTranslations finds.
type comparison struct {
	missing, stale, wrong, orphans []string
	toStamp                        map[string][]string          // file -> keys to stamp
	todo                           map[string]map[string]string // key -> english, other, hash
}

// compareTranslations compares a language's translations (tr, by key, with the file
// of each) with the English sources: missing and stale translations, those that lose
// a placeholder or a name, those of nothing; with stamping, the entries without a hash
// to stamp.
func compareTranslations(srcs map[string]source, tr map[string]i18n.Entry, file map[string]string, stamping bool) comparison {
	var r comparison
	r.toStamp, r.todo = map[string][]string{}, map[string]map[string]string{}
	keys := make([]string, 0, len(srcs))
	for k := range srcs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := srcs[k]
		e, ok := tr[k]
		if !ok || e.Other == "" {
			r.missing = append(r.missing, fmt.Sprintf("%s (%s): %q", k, s.from, s.other))
			r.todo[k] = map[string]string{"english": s.other, "other": ""}
			continue
		}
		want := i18n.SourceHash(s.other)
		switch {
		case e.Hash == "" && stamping:
			r.toStamp[file[k]] = append(r.toStamp[file[k]], k)
		case e.Hash == "":
			r.stale = append(r.stale, fmt.Sprintf("%s (%s): no hash: translate or review it, then run the test with -stamp", k, file[k]))
			r.todo[k] = map[string]string{"english": s.other, "other": e.Other}
		case e.Hash != want:
			r.stale = append(r.stale, fmt.Sprintf("%s (%s): the English changed since it was translated; it is now %q", k, file[k], s.other))
			r.todo[k] = map[string]string{"english": s.other, "other": e.Other, "hash": want}
		}
		r.wrong = append(r.wrong, shapeProblems(k, s, e)...)
	}
	for k := range tr {
		if _, ok := srcs[k]; !ok {
			r.orphans = append(r.orphans, fmt.Sprintf("%s (%s): translates nothing the program says any more: remove it", k, file[k]))
		}
	}
	sort.Strings(r.orphans)
	return r
}

// shapeProblems compares a translation's placeholders and kept names with its
// English's.
func shapeProblems(k string, s source, e i18n.Entry) []string {
	var out []string
	forms := [][2]string{{s.other, e.Other}}
	if s.plural {
		if e.One == "" {
			out = append(out, k+": a plural without its \"one\" form")
		} else {
			forms = append(forms, [2]string{s.other, e.One})
		}
	} else if e.One != "" {
		out = append(out, k+": plural forms for a message that has none")
	}
	for _, f := range forms {
		en, tr := f[0], f[1]
		if strings.HasPrefix(k, "guide.") {
			if a, b := guideShape(en), guideShape(tr); a != b {
				out = append(out, fmt.Sprintf("%s: placeholders %s, the English has %s", k, b, a))
			}
		} else {
			if a, b := templateActions(en), templateActions(tr); !slices.Equal(a, b) {
				out = append(out, fmt.Sprintf("%s: template actions %v, the English has %v", k, b, a))
			}
			if a, b := printfVerbs(en), printfVerbs(tr); !slices.Equal(a, b) {
				out = append(out, fmt.Sprintf("%s: format verbs %v, the English has %v", k, b, a))
			}
			if a, b := sortedKeys(en), sortedKeys(tr); !slices.Equal(a, b) {
				out = append(out, fmt.Sprintf("%s: {placeholders} %v, the English has %v", k, b, a))
			}
		}
		if a, b := layout(en), layout(tr); a != b {
			out = append(out, fmt.Sprintf("%s: line breaks and tabs %s, the English has %s", k, b, a))
		}
		for _, n := range keptNames(en) {
			if !strings.Contains(tr, n) {
				out = append(out, fmt.Sprintf("%s: %q is missing: the English's names, codes, flags and URLs stay as they are", k, n))
			}
		}
	}
	return out
}

func report(t *testing.T, what string, lines []string) {
	t.Helper()
	if len(lines) == 0 {
		return
	}
	const show = 40
	n, more := len(lines), ""
	if len(lines) > show {
		more = fmt.Sprintf("\n  ... and %d more (-todo FILE writes them all)", len(lines)-show)
		lines = lines[:show]
	}
	t.Errorf("%d %s:\n  %s%s", n, what, strings.Join(lines, "\n  "), more)
}

// stampFile records the hash of the current English in the entries keys of the
// translation file name.
func stampFile(t *testing.T, name string, keys []string, srcs map[string]source) {
	t.Helper()
	path := filepath.Join(moduleRoot(t), "assets", "translations", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		m, ok := raw[k].(map[string]any)
		if !ok {
			m = map[string]any{"other": raw[k]}
		}
		m["hash"] = i18n.SourceHash(srcs[k].other)
		raw[k] = m
	}
	b, err := marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: stamped %d translations", name, len(keys))
}

// marshal writes a translation file the way `fyne translate` does: sorted keys, four
// spaces, no HTML escapes.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	err := enc.Encode(v)
	return b.Bytes(), err
}
