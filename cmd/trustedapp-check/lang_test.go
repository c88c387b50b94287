package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/testdir"
)

// runWith runs the dispatcher with the system's language system (nil: English).
func runWith(t *testing.T, system func() string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(env{ctx: context.Background(), args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, system: system})
	return cliResult{code, out.String(), errb.String()}
}

func bulgarianSystem() string { return "bg" }

// A real run against the sandbox, in Bulgarian: the text report, the Markdown report
// saved with --report, and a failing scenario's explanation; codes, field names,
// flags and JSON stay as they are.
func TestCheckInBulgarian(t *testing.T) {
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	t.Setenv(SecretEnv, secret)
	md := filepath.Join(testdir.New(t), "report.md")
	r := runWith(t, nil, "", append([]string{"check", "--lang", "bg", "--report", md}, args...)...)
	expect(t, r, exitOK, []string{"Профил ad-hoc:", "УСПЕХ", "Достъпност", "Откриване", "Преглед на токена", "Действа като:", "svc-import",
		"Минимални права", "Резултат: УСПЕХ"}, []string{"Диагностичният отчет е записан в"})
	noLeak(t, secret, r.stdout, r.stderr)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Диагностичен отчет за доверено приложение: ad-hoc", "## Обобщение", "## Токен и твърдения",
		"| Действа като (client_system_user) | svc-import |", "#### ИНФО `reach.ok`", "Този отчет не съдържа клиентска тайна."} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, b)
		}
	}
	js, err := os.ReadFile(strings.TrimSuffix(md, ".md") + ".json")
	if err != nil || !bytes.Contains(js, []byte(`"verdict": "pass"`)) || !bytes.Contains(js, []byte(`"code": "privilege.update_unused"`)) {
		t.Errorf("the JSON report changed its contract (%v):\n%.400s", err, js)
	}

	// A failing scenario: the finding's code and the fix, in Bulgarian.
	args, secret = scenarioArgs(t, s, "disabled")
	t.Setenv(SecretEnv, secret)
	r = runWith(t, bulgarianSystem, "", append([]string{"check"}, args...)...)
	expect(t, r, exitFailed, []string{"НЕУСПЕХ   Токен", "ГРЕШКА token.invalid_client", "Довереното приложение е изключено (IsEnabled = false).",
		"Доверено приложение IsEnabled: true", "Поправка:", "Резултат: НЕУСПЕХ"}, nil)
	for _, english := range []string{"Likely causes", "Verdict", "FAIL"} {
		if strings.Contains(r.stdout, english) {
			t.Errorf("English %q in:\n%s", english, r.stdout)
		}
	}
	// --json stays the contract: codes and keys; the explanation follows the language.
	r = runWith(t, bulgarianSystem, "", append([]string{"check", "--json"}, args...)...)
	expect(t, r, exitFailed, []string{`"code": "token.invalid_client"`, `"severity": "fail"`, `"title": "Сървърът за идентичност отхвърли`}, nil)
}

// --lang is read before the command line is parsed: before or after the command's
// name, with = or a separate value, and it beats the system's language; a language
// the CLI does not speak is a usage error said in the system's.
func TestLangFlag(t *testing.T) {
	store := filepath.Join(testdir.New(t), "profiles.json")
	for _, tc := range []struct {
		system func() string
		args   []string
		want   string
	}{
		{nil, []string{"--lang", "bg", "profiles", "list", "--store", store}, "Няма профили"},
		{nil, []string{"profiles", "--lang=bg", "list", "--store", store}, "Няма профили"},
		{nil, []string{"profiles", "list", "--store", store, "-lang", "bg"}, "Няма профили"},
		{bulgarianSystem, []string{"profiles", "list", "--store", store}, "Няма профили"},
		{bulgarianSystem, []string{"profiles", "list", "--lang", "en", "--store", store}, "No profiles"},
		{nil, []string{"profiles", "list", "--store", store}, "No profiles"},
		{nil, []string{"profiles", "list", "--store", store, "--lang", "bg_BG.UTF-8"}, "Няма профили"},
	} {
		r := runWith(t, tc.system, "", tc.args...)
		if r.code != exitOK || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%v: exit %d, want %q:\n%s%s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
	}
	r := runWith(t, bulgarianSystem, "", "check", "--lang", "fr")
	expect(t, r, exitUsage, nil, []string{`trustedapp-check: --lang "fr": използвайте един от en, bg`})
	r = runWith(t, nil, "", "--lang", "xx", "version")
	expect(t, r, exitUsage, nil, []string{`trustedapp-check: --lang "xx": use one of en, bg`})
	// A --lang with no value is the flag package's usage error, as for any flag.
	r = runWith(t, nil, "", "explain", "--lang")
	expect(t, r, exitUsage, nil, []string{"flag needs an argument: -lang"})
	// After --, an argument that looks like --lang is a name, not the flag.
	if v, ok := langFlag([]string{"check", "--", "--lang", "bg"}); ok {
		t.Errorf("langFlag read %q after --", v)
	}
	if v, _ := langFlag([]string{"--lang", "en", "check", "--lang=bg"}); v != "bg" {
		t.Errorf("the last --lang should win, got %q", v)
	}
	if got := withoutLeadingLang([]string{"--lang", "bg", "-lang=en", "check", "--lang", "bg"}); !slices.Equal(got, []string{"check", "--lang", "bg"}) {
		t.Errorf("withoutLeadingLang = %q", got)
	}
}

// Every help text has its Bulgarian, and errors and hints are said in it too.
func TestHelpAndErrorsInBulgarian(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "Команди:\n  check     тества доверено приложение на профил"},
		{[]string{"check", "--help"}, "Тества доверено приложение: достъпност"},
		{[]string{"token", "-h"}, "Извежда само токена за достъп"},
		{[]string{"record", "--help"}, "Чете запис на доверено приложение"},
		{[]string{"secret", "--help"}, "secret new     създава силна клиентска тайна"},
		{[]string{"explain", "--help"}, "Обяснява поставена грешка"},
		{[]string{"diff", "--help"}, "Поставя две изпълнения едно до друго"},
		{[]string{"watch", "--help"}, "Проверява профилите на всеки --every"},
		{[]string{"profiles", "help"}, "Подкоманди:"},
		{[]string{"sandbox", "--help"}, "Стартира локален емулатор"},
	} {
		r := runWith(t, bulgarianSystem, "", tc.args...)
		if r.code != exitOK || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%v: exit %d, no %q in:\n%s%s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
	}
	r := runWith(t, bulgarianSystem, "", "frobnicate")
	expect(t, r, exitUsage, nil, []string{`trustedapp-check: непозната команда "frobnicate"`, "Използване:"})
	r = runWith(t, bulgarianSystem, "", "check", "--parallel", "0", "--all")
	expect(t, r, exitUsage, nil, []string{"--parallel 0: използвайте от 1 до 64", "Изпълнете 'trustedapp-check check --help' за флаговете."})
	r = runWith(t, bulgarianSystem, "", "explain")
	expect(t, r, exitUsage, nil, []string{"стандартният вход беше празен"})
}

// explain in Bulgarian: what the paste was read as, the finding and its fix.
func TestExplainInBulgarian(t *testing.T) {
	r := runWith(t, bulgarianSystem, `{"error":"invalid_client","error_description":"Client authentication failed"}`, "explain")
	expect(t, r, exitOK, []string{"Текстът:", "Разчетено като: OAuth грешка от крайната точка за токени (invalid_client)",
		"ГРЕШКА token.invalid_client", "Вероятни причини:", "ApplicationSecretHash"}, nil)
	r = runWith(t, bulgarianSystem, "nothing useful here", "explain")
	expect(t, r, exitFailed, []string{"Не е разпознато. Трите най-вероятни неща за проверка:", "Довереното приложение приема данните за достъп (invalid_client)",
		"Доверено приложение IsEnabled: true", "Бележка: Този инструмент не разпозна текста."}, nil)
}

// Cyrillic lays out in columns by width, not bytes: profiles list's columns line up
// whatever the script of the names (a Cyrillic letter is two bytes, one column).
func TestCyrillicColumnsLineUp(t *testing.T) {
	store := filepath.Join(testdir.New(t), "profiles.json")
	for _, name := range []string{"Продажби", "Sales", "Склад-София"} {
		r := runCLI(t, store, nil, "add", name, "--instance", "https://acme.my.erp.net", "--client-id", "com.acme/"+strings.ToLower(name), "--env", "Тест")
		expect(t, r, exitOK, nil, nil)
	}
	r := runWith(t, bulgarianSystem, "", "profiles", "list", "--store", store)
	expect(t, r, exitOK, []string{"ИМЕ", "Продажби", "Склад-София"}, nil)
	col := map[int]bool{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		i := strings.Index(l, "https://")
		if i < 0 {
			i = strings.Index(l, "ИНСТАНЦИЯ")
		}
		col[i18n.Width(l[:i])] = true
	}
	if len(col) != 1 {
		t.Errorf("the INSTANCE column starts at columns %v:\n%s", col, r.stdout)
	}
}

// The record checklist's marks are padded to the widest mark of the language, so the
// field names line up in Bulgarian too (ОК is 2 columns, ВНИМАНИЕ 8).
func TestRecordChecklistLinesUpInBulgarian(t *testing.T) {
	spoken.Store(i18n.For("bg"))
	defer spoken.Store(nil)
	var out bytes.Buffer
	writeRecordText(env{stdout: &out}, recordOutput{ClientID: "com.acme/app", host: "acme.my.erp.net", Read: true, Checks: []recordCheck{
		{Field: "ApplicationUri", Actual: "com.acme/app", Want: "com.acme/app", State: "ok"},
		{Field: "IsEnabled", Actual: "false", Want: "true", State: "bad"},
		{Field: "SystemUser", Actual: "иван", Want: "svc", State: "warn"},
		{Field: "Scope", Actual: "not read", Want: "read", State: "unknown"},
	}}, 1)
	col := map[int]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		for _, f := range []string{"ApplicationUri", "IsEnabled", "SystemUser", "Scope"} {
			if i := strings.Index(l, " "+f+" "); i > 0 {
				col[i18n.Width(l[:i])] = true
			}
		}
	}
	if len(col) != 1 || !strings.Contains(out.String(), "1 поле за поправяне.") {
		t.Errorf("field names start at columns %v:\n%s", col, out.String())
	}
}
