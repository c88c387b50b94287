package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// sandboxRun runs a sandbox scenario the way an administrator's profile would.
func sandboxRun(t *testing.T, name string) (check.Report, profiles.Profile) {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sc, ok := s.Scenario(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	p := profiles.Profile{Name: "Продажби " + name, InstanceURL: sc.Instance, Authority: sc.Authority, ClientID: sc.ClientID,
		AuthMethod: profiles.AuthMethod(sc.AuthMethod), Scopes: strings.Fields(sc.Scope), TimeoutSeconds: 10}
	for _, c := range sc.Calls {
		p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return check.Run(ctx, p, sc.ClientSecret, check.Options{Fresh: true, Cache: check.NewTokenCache()}, nil), p
}

func render(t *testing.T, d Document, write func(*bytes.Buffer, Document) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func textOf(b *bytes.Buffer, d Document) error   { return WriteText(b, d) }
func markdown(b *bytes.Buffer, d Document) error { return WriteMarkdown(b, d) }

// A failing run's text report in Bulgarian: the report's words, the steps, the
// verdicts and the explanation are Bulgarian; the code, ERP.net's field names and the
// evidence are not translated; the step names line up in one column.
func TestTextReportInBulgarian(t *testing.T) {
	r, p := sandboxRun(t, "scope-not-allowed")
	d := Build(r, p)
	d.Localize(i18n.For("bg"))
	out := render(t, d, textOf)
	for _, want := range []string{
		"Профил Продажби scope-not-allowed:", "НЕУСПЕХ", "Достъпност", "Откриване", "Няма токен: invalid_scope",
		"ГРЕШКА token.invalid_scope\n", "Поискан обхват не е разрешен за това приложение (invalid_scope)",
		"Вероятни причини:", "Поправка:", "полето Scope", "Доверено приложение Scope:", "Резултат: НЕУСПЕХ",
		"https://docs.erp.net/",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	for _, english := range []string{"Likely causes", "Fix:", "Verdict:", "Reachability", "PASS", "FAIL", "Skipped:", "Trusted App Scope"} {
		if strings.Contains(out, english) {
			t.Errorf("English %q in the Bulgarian report:\n%s", english, out)
		}
	}
	// The title is said once: the finding's line names the code, the title follows.
	if n := strings.Count(out, "Поискан обхват не е разрешен за това приложение"); n != 1 {
		t.Errorf("the title is said %d times:\n%s", n, out)
	}
	// One column for the step names, whatever the width of the marks.
	col := -1
	for _, l := range strings.Split(out, "\n") {
		for _, name := range []string{"Достъпност", "Откриване", "Токен ", "Преглед на токена", "API "} {
			if i := strings.Index(l, name); i > 0 && isStepLine(l) {
				c := i18n.Width(l[:i])
				if col >= 0 && c != col {
					t.Errorf("step names start at column %d and %d:\n%s", col, c, out)
				}
				col = c
				break
			}
		}
	}
	if col < 0 {
		t.Errorf("no step line found:\n%s", out)
	}
}

// isStepLine reports whether a text report line is a step's line (it starts with a
// verdict's mark).
func isStepLine(l string) bool {
	for _, v := range []check.Verdict{check.Pass, check.Warn, check.Fail, check.Skipped} {
		if strings.HasPrefix(l, markIn(i18n.For("bg"), v)+" ") {
			return true
		}
	}
	return false
}

// The Markdown report in Bulgarian is still safe Markdown, and its JSON twin keeps its
// contract: codes, keys and enums as they are, the explanations in Bulgarian.
func TestMarkdownAndJSONInBulgarian(t *testing.T) {
	r, p := sandboxRun(t, "disabled")
	d := Build(r, p)
	d.Localize(i18n.For("bg"))
	md := render(t, d, markdown)
	for _, want := range []string{"# Диагностичен отчет за доверено приложение: Продажби disabled", "## Обобщение", "| Стъпка | Резултат | Време | Обобщение |",
		"`token.invalid_client`", "**Сървърът за идентичност отхвърли данните за достъп на приложението (invalid\\_client)**", "Вероятни причини:"} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in the Markdown:\n%s", want, md)
		}
	}
	for _, s := range markdownAttacks {
		hr, hp := hostileReport(s)
		hd := Build(hr, hp)
		hd.Localize(i18n.For("bg"))
		if ps := markdownProblems(t, hd); len(ps) > 0 {
			t.Errorf("%q breaks out of the Bulgarian Markdown: %v", s, ps)
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Verdict string `json:"verdict"`
		Steps   []struct {
			Kind     string `json:"kind"`
			Findings []struct {
				Code        string `json:"code"`
				Severity    string `json:"severity"`
				Explanation struct {
					Code   string `json:"code"`
					Title  string `json:"title"`
					Fields []struct {
						Where string `json:"where"`
						Name  string `json:"name"`
					} `json:"fields"`
				} `json:"explanation"`
			} `json:"findings"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range doc.Steps {
		for _, f := range s.Findings {
			if f.Code != "token.invalid_client" {
				continue
			}
			found = true
			if s.Kind != "token" || f.Severity != "fail" || f.Explanation.Code != f.Code || !strings.HasPrefix(f.Explanation.Title, "Сървърът за идентичност") {
				t.Errorf("JSON finding: %+v in step %s", f, s.Kind)
			}
			for _, fl := range f.Explanation.Fields {
				if fl.Where != "Trusted App" && fl.Where != "Profile" {
					t.Errorf("JSON field Where %q: it stays the English value", fl.Where)
				}
			}
		}
	}
	if !found || doc.Verdict != "fail" {
		t.Errorf("JSON: verdict %q, finding found %v", doc.Verdict, found)
	}
}

// Localize with English (or nil) changes nothing: the English reports are the
// engine's own.
func TestLocalizeInEnglishChangesNothing(t *testing.T) {
	r, p := sandboxRun(t, "scope-not-allowed")
	d := Build(r, p)
	want := render(t, d, textOf) + render(t, d, markdown)
	for _, l := range []*i18n.Localizer{nil, i18n.For("en")} {
		e := Build(r, p)
		e.GeneratedAt = d.GeneratedAt
		e.Localize(l)
		if got := render(t, e, textOf) + render(t, e, markdown); got != want {
			t.Errorf("Localize(%s) changed the English reports", l.Code())
		}
	}
}
