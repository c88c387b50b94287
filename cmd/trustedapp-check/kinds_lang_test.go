package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/sandbox"
)

// What the other kinds say, in Bulgarian, against the sandbox: a reference-token
// profile and a basic one, added, given their credential and checked (text, the
// Markdown report, JSON); codes, field names, flags and the JSON contract stay.
func TestKindsInBulgarian(t *testing.T) {
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	s := startSandbox(t)
	store := filepath.Join(testdir.New(t), "p.json")
	cli := func(stdin string, args ...string) cliResult {
		t.Helper()
		return runWith(t, bulgarianSystem, stdin, append(args, "--store", store)...)
	}
	sat, _ := s.Scenario("reference-token")
	bi, _ := s.Scenario("basic")

	expect(t, cli("", "profiles", "add", "SAT", "--kind", "reference-token", "--instance", sat.Instance, "--client-id", sat.ClientID, "--ca-file", s.CAFile()),
		exitOK, []string{`Профилът "SAT" е добавен`, "Задайте данните му за достъп (референтен токен): trustedapp-check profiles set-secret SAT"}, nil)
	expect(t, cli("a-client-secret\n", "profiles", "set-secret", "SAT"), exitUsage, nil, []string{"започва с enrt_", "не беше съхранен"})
	expect(t, cli(sat.ClientSecret+"\n", "profiles", "set-secret", "SAT"), exitOK, []string{"референтен токен за \"SAT\""}, nil)
	expect(t, cli("", "profiles", "show", "SAT"), exitOK, []string{"Вид:", "reference-token: Референтен токен (PAT или SAT)", "Проверка на записа:", "Референтен токен:", "съхранено в"}, nil)
	r := cli("", "check", "SAT")
	expect(t, r, exitOK, []string{"Влиза с референтен токен (PAT или SAT)", "ПРОПУСК   Откриване", "Пропуснато: референтният токен",
		"УСПЕХ     Като кого действа токенът", "Действа като системния потребител на доверено приложение " + sat.ClientID,
		"Вид:            SAT", "Изтича:         20", "Сесия:          Извикванията на API с референтния токен", "Резултат: УСПЕХ"}, nil)
	noEnglish(t, r.stdout, "Signs in with", "Skipped", "Whom the token acts as", "the System User of", "Acts as", "Verdict")
	noLeak(t, sat.ClientSecret, r.stdout, r.stderr)
	r = cli("", "check", "SAT", "--json")
	var doc struct {
		Profile        struct{ Kind string }
		ReferenceToken struct {
			Type   string
			ActsAs string `json:"acts_as"`
		} `json:"reference_token"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Profile.Kind != "reference-token" || doc.ReferenceToken.Type != "SAT" ||
		doc.ReferenceToken.ActsAs != "the System User of Trusted App "+sat.ClientID {
		t.Errorf("the JSON changed its contract (%v): %s", err, r.stdout)
	}
	expect(t, cli("", "token", "SAT"), exitUsage, nil, []string{"е профил с референтен токен", "никога не извежда", "'trustedapp-check check SAT'"})

	expect(t, cli("", "profiles", "add", "BI", "--kind", "basic", "--user", bi.User, "--instance", bi.Instance, "--ca-file", s.CAFile()),
		exitOK, []string{"Задайте данните му за достъп (парола)"}, nil)
	expect(t, cli(bi.ClientSecret+"\n", "profiles", "set-secret", "BI"), exitOK, []string{"парола за \"BI\""}, nil)
	expect(t, cli("", "profiles", "list"), exitOK, []string{"(basic като bi-reader)", "(референтен токен)"}, nil)
	md := filepath.Join(testdir.New(t), "bi.md")
	r = cli("", "check", "BI", "--report", md)
	expect(t, r, exitOK, []string{"Профил BI: " + bi.Instance + " (Basic като bi-reader)", "Влиза с остарялото Basic удостоверяване като bi-reader (доверено приложение DomainApiBasicAuthentication)",
		"Пропуснато: Basic удостоверяването не използва сървъра за идентичност.", "УСПЕХ     API GET /tableapi/odata/",
		"Вход:           bi-reader (Basic, доверено приложение DomainApiBasicAuthentication)",
		"Преминете с тази интеграция към client credentials (страницата на ERP.net за миграция):", "1. Регистрирайте доверено приложение", "сменете паролата на bi-reader"}, nil)
	noEnglish(t, r.stdout, "Move this integration", "Register a Trusted App", "Signs in with", "Signed in", "Skipped")
	noLeak(t, bi.ClientSecret, r.stdout, r.stderr)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Вход", "| Влиза с | остарялото Basic удостоверяване като bi-reader", "## Преминаване на тази интеграция към client credentials",
		"По страницата на ERP.net за миграция", "1. Регистрирайте доверено приложение"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, b)
		}
	}
	js, err := os.ReadFile(strings.TrimSuffix(md, ".md") + ".json")
	if err != nil || !strings.Contains(string(js), `"kind": "basic"`) || !strings.Contains(string(js), `"move_to_client_credentials": [`) ||
		!strings.Contains(string(js), "Регистрирайте доверено приложение") {
		t.Errorf("the JSON report (%v): %.600s", err, js)
	}
	expect(t, cli("", "token", "BI"), exitUsage, nil, []string{"е basic профил", "няма токен"})
	expect(t, cli("", "record", "SAT", "--with", "BI"), exitUsage, nil, []string{"е basic профил: няма токен, с който да чете запис"})
}

// watch --once in Bulgarian: the profile it could not check is named in Bulgarian
// with what it lacks (its kind's credential); the metrics keep their names and labels.
func TestWatchOnceInBulgarian(t *testing.T) {
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	s := startSandbox(t)
	store := filepath.Join(testdir.New(t), "p.json")
	sat, _ := s.Scenario("reference-token")
	for _, args := range [][]string{
		{"profiles", "add", "SAT", "--kind", "reference-token", "--instance", sat.Instance, "--client-id", sat.ClientID, "--ca-file", s.CAFile()},
		{"profiles", "add", "без тайна", "--kind", "reference-token", "--instance", sat.Instance, "--ca-file", s.CAFile()},
	} {
		expect(t, runWith(t, nil, "", append(args, "--store", store)...), exitOK, nil, nil)
	}
	expect(t, runWith(t, nil, sat.ClientSecret+"\n", "profiles", "set-secret", "SAT", "--store", store), exitOK, nil, nil)
	file := filepath.Join(testdir.New(t), "trustedapp.prom")
	r := runWith(t, bulgarianSystem, "", "watch", "--all", "--once", "--store", store, "--metrics-file", file)
	if r.code == exitOK || !strings.Contains(r.stderr, `trustedapp-check watch: профил "без тайна": за профила "без тайна" не са зададени данни за достъп (референтен токен)`) ||
		!strings.Contains(r.stderr, "; не е проверен") || strings.Contains(r.stderr, "not checked") || strings.Contains(r.stderr, "no client secret") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`trustedapp_check_success{`, `profile="SAT"`, `verdict="pass"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the metrics lack %q:\n%s", want, raw)
		}
	}
	noLeak(t, sat.ClientSecret, r.stdout, r.stderr, string(raw))
}

// record when the API will not show the record, in Bulgarian: the refusal names the
// sec scope and the way out; --from-form then checks the values copied from the form,
// its notes and the rows it left out said in Bulgarian, the field names as they are.
func TestRecordFromFormInBulgarian(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TLS: true, RecordNeedsSec: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	store := storeWith(t, s, "healthy")
	t.Setenv(SecretEnv, "")
	healthy, _ := s.Scenario("healthy")

	r := runWith(t, bulgarianSystem, "", "record", "healthy", "--store", store)
	expect(t, r, exitFailed, []string{"Инстанцията отказа да покаже записа (HTTP 403): четенето на Systems_Security_TrustedApplications изисква обхвата sec",
		"„reserved for ERP.net internal use only“", "--from-form", "Записът не беше прочетен"}, nil)
	noEnglish(t, r.stdout, "The instance refused", "Copy the values", "The record was not read")

	form := "Application Uri\t" + healthy.ClientID + "\nIs Enabled\tДа\nClient Type\tConfidential\nApplication Secret Hash\t" + check.ApplicationSecretHash(healthy.ClientSecret) +
		"\nSystem User Allowed\tДа\nSystem User\tsvc-import\nScope\tread update\nReference Tokens\tNone\nBasic Authentication Allowed\tНе\n"
	r = runWith(t, bulgarianSystem, form, "record", "healthy", "--from-form", "-", "--store", store)
	expect(t, r, exitOK, []string{"Запис на доверено приложение " + healthy.ClientID, "от стойностите, копирани от формуляра на довереното приложение",
		"ApplicationSecretHash", "Всяко поле, от което client credentials се нуждае, е правилно."}, nil)
	noLeak(t, healthy.ClientSecret, r.stdout, r.stderr)

	r = runWith(t, bulgarianSystem, "IsEnabled: yes\nScope: read update\nFavourite colour: blue\nIsEnabled: no\n", "record", "healthy", "--from-form", "-", "--store", store)
	expect(t, r, exitOK, []string{`бележка: ред 3: "Favourite colour" не е поле, което проверката използва; пропуснато.`,
		"бележка: ред 4: IsEnabled се среща два пъти; важи първата стойност.", "ПРОВЕРИ  ApplicationUri", "няма го във формуляра",
		"Копирайте ApplicationUri от формуляра на довереното приложение, за да се провери.", "редовете ПРОВЕРИ не можаха да се сравнят"}, nil)
	noEnglish(t, r.stdout, "note:", "line 3", "not in the form", "Copy ApplicationUri")

	expect(t, runWith(t, bulgarianSystem, "", "record", "--from-form", "-"), exitUsage, nil, []string{"посочете PROFILE, чийто запис показва формулярът, или задайте --client-id ID"})
	expect(t, runWith(t, bulgarianSystem, "client_secret: s3cret\n", "record", "healthy", "--from-form", "-", "--store", store), exitFailed,
		[]string{"ред 1 \"client_secret\" съдържа тайна: формулярът никога не показва тайната"}, nil)
}

// noEnglish fails when English words that a Bulgarian run must have translated are in out.
func noEnglish(t *testing.T, out string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(out, w) {
			t.Errorf("English %q in:\n%s", w, out)
		}
	}
}
