package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/sandbox"
)

// Both paths against a sandbox whose Trusted App records need the sec scope: the API
// read is refused with both causes named, and the values copied from the form run the
// same checklist, the ApplicationSecretHash comparison and the slip detector included.
func TestRecordFromFormWhenTheAPIRefuses(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TLS: true, RecordNeedsSec: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	store := storeWith(t, s, "healthy", "secret-newline")
	t.Setenv(SecretEnv, "")
	healthy, _ := s.Scenario("healthy")
	nl, _ := s.Scenario("secret-newline")

	// The API path: refused, both causes, the way out.
	r := runArgs(t, context.Background(), "", "record", "healthy", "--store", store)
	expect(t, r, exitFailed, []string{"HTTP 403", "needs the sec scope", "“reserved for ERP.net internal use only”", "--from-form", "The record was not read"}, nil)

	// The form path, from a file: every field right.
	dir := testdir.New(t)
	form := filepath.Join(dir, "form.txt")
	good := "Application Uri\t" + healthy.ClientID + "\nIs Enabled\tYes\nClient Type\tConfidential\nApplication Secret Hash\t" + check.ApplicationSecretHash(healthy.ClientSecret) +
		"\nSystem User Allowed\tYes\nSystem User\tsvc-import\nScope\tread update\nReference Tokens\tNone\nBasic Authentication Allowed\tNo\n"
	if err := os.WriteFile(form, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "record", "healthy", "--from-form", form, "--store", store)
	expect(t, r, exitOK, []string{"from the values copied from the Trusted App's form", "OK    ApplicationSecretHash", "Every field client credentials needs is right."}, nil)
	if strings.Contains(r.stdout, "CHECK") {
		t.Errorf("a complete form leaves rows to check:\n%s", r.stdout)
	}

	// From stdin, for the app whose hash was made with echo: the slip is named, and the
	// JSON is the record command's document.
	sc, _ := s.Scenario("secret-newline")
	slipped := "ApplicationUri: " + sc.ClientID + "\nIsEnabled: true\nClientType: Confidential\nApplicationSecretHash: " + sandbox.HashSecret(nl.ClientSecret+"\n") +
		"\nSystemUserAllowed: true\nSystemUser: svc-import\nScope: read\n"
	r = runArgs(t, context.Background(), slipped, "record", "secret-newline", "--from-form", "-", "--json", "--store", store)
	var out recordOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitFailed {
		t.Fatalf("json: %v (exit %d)\n%s\n%s", err, r.code, r.stdout, r.stderr)
	}
	if out.Source != "form" || !out.Read || out.SecretHash == nil || out.SecretHash.Slip == nil || out.SecretHash.Slip.Code != "trailing_newline" {
		t.Errorf("form JSON: %+v", out)
	}
	// The same keys as an API read's document (plus what only a form has).
	api := runArgs(t, context.Background(), "", "record", "healthy", "--json", "--store", store)
	var a, f map[string]any
	json.Unmarshal([]byte(api.stdout), &a)
	json.Unmarshal([]byte(r.stdout), &f)
	for k := range a {
		if _, ok := f[k]; !ok && k != "problem" && k != "least_privilege" {
			t.Errorf("the form's document lacks %q, which record --json has", k)
		}
	}
	if !reflect.DeepEqual(keysOf(a["checks"].([]any)[0]), keysOf(f["checks"].([]any)[0])) {
		t.Errorf("checks differ in shape: %v vs %v", a["checks"], f["checks"])
	}
	noLeak(t, nl.ClientSecret, r.stdout, r.stderr)

	// A partial form: the rest to check by hand, exit 0 only when nothing is to fix.
	r = runArgs(t, context.Background(), "IsEnabled: yes\nScope: read update\nFavourite colour: blue\n", "record", "healthy", "--from-form", "-", "--store", store)
	expect(t, r, exitOK, []string{"CHECK ApplicationUri", "not in the form", `note: line 3: "Favourite colour" is not a field`, "CHECK rows could not be compared"}, nil)

	// Mistakes.
	r = runArgs(t, context.Background(), "", "record", "healthy", "--from-form", filepath.Join(dir, "missing.txt"), "--store", store)
	expect(t, r, exitEnvironment, nil, []string{"--from-form", "missing.txt"})
	r = runArgs(t, context.Background(), "x", "record", "healthy", "--from-form", "-", "--secret-stdin", "--store", store)
	expect(t, r, exitUsage, nil, []string{"both read stdin"})
	r = runArgs(t, context.Background(), "", "record", "healthy", "--from-form", form, "--with", "healthy", "--store", store)
	expect(t, r, exitUsage, nil, []string{"give no --with"})
	r = runArgs(t, context.Background(), "", "record", "--from-form", form, "--store", store)
	expect(t, r, exitUsage, nil, []string{"name the PROFILE whose record the form shows"})
	r = runArgs(t, context.Background(), "client_secret: "+healthy.ClientSecret+"\n", "record", "healthy", "--from-form", "-", "--store", store)
	expect(t, r, exitFailed, []string{"holds a secret"}, nil)
	noLeak(t, healthy.ClientSecret, r.stdout, r.stderr)

	// By client_id, without a profile or a secret: the hash is not compared.
	r = runArgs(t, context.Background(), good, "record", "--client-id", healthy.ClientID, "--scope", "read update", "--from-form", "-", "--store", store)
	expect(t, r, exitOK, []string{"CHECK ApplicationSecretHash", "holds no secret for the app"}, nil)
}

func keysOf(v any) []string {
	var out []string
	for k := range v.(map[string]any) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
