package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/testdir"
)

// The reference-token and basic kinds from the command line, against the sandbox: add
// with --kind, the credential with set-secret, show, check (text and JSON), and what
// the token and record commands refuse.
func TestKindsFromTheCommandLine(t *testing.T) {
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	s := startSandbox(t)
	store := filepath.Join(testdir.New(t), "p.json")
	cli := func(stdin string, args ...string) cliResult {
		t.Helper()
		return runArgs(t, context.Background(), stdin, append(args, "--store", store)...)
	}
	sat, _ := s.Scenario("reference-token")
	bi, _ := s.Scenario("basic")

	// A reference token.
	expect(t, cli("", "profiles", "add", "SAT", "--kind", "reference-token", "--instance", sat.Instance, "--client-id", sat.ClientID, "--ca-file", s.CAFile()),
		exitOK, []string{`Added profile "SAT"`, "Set its reference token: trustedapp-check profiles set-secret SAT"}, nil)
	expect(t, cli("a-client-secret\n", "profiles", "set-secret", "SAT"), exitUsage, nil, []string{"starts with enrt_", "it was not stored"})
	expect(t, cli("Bearer "+sat.ClientSecret+"\n", "profiles", "set-secret", "SAT"), exitOK, []string{`Stored the reference token for "SAT"`}, nil)
	r := cli("", "profiles", "show", "SAT")
	expect(t, r, exitOK, []string{"Kind:", "reference-token: Reference token (PAT or SAT)", "Reference token:", "stored in " + platform.Keychain()}, nil)
	if strings.Contains(r.stdout, "Authority:") || strings.Contains(r.stdout, "Scopes:") {
		t.Errorf("show lists what a reference token does not use:\n%s", r.stdout)
	}
	r = cli("", "check", "SAT")
	expect(t, r, exitOK, []string{"Signs in with a reference token", "SKIP  Discovery", "SKIP  Token", "PASS  Whom the token acts as",
		"Acts as:   the System User of Trusted App com.sandbox/reference-tokens", "Kind:      SAT", "Expires:   20"}, nil)
	noLeak(t, sat.ClientSecret, r.stdout, r.stderr)
	r = cli("", "check", "SAT", "--json")
	var doc struct {
		Profile        struct{ Kind string }
		ReferenceToken struct {
			Type   string
			Record struct{ Actor, Expires string }
		} `json:"reference_token"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Profile.Kind != "reference-token" || doc.ReferenceToken.Type != "SAT" ||
		doc.ReferenceToken.Record.Actor != "svc-reports" || doc.ReferenceToken.Record.Expires == "" {
		t.Errorf("JSON %v: %s", err, r.stdout)
	}
	noLeak(t, sat.ClientSecret, r.stdout)
	expect(t, cli("", "token", "SAT"), exitUsage, nil, []string{"never prints"})

	// Legacy Basic.
	expect(t, cli("", "profiles", "add", "BI", "--kind", "basic", "--instance", bi.Instance, "--ca-file", s.CAFile()),
		exitUsage, nil, []string{"user", "is empty"})
	expect(t, cli("", "profiles", "add", "BI", "--kind", "basic", "--user", bi.User, "--instance", bi.Instance, "--ca-file", s.CAFile()),
		exitOK, []string{"Set its password"}, nil)
	expect(t, cli(bi.ClientSecret+"\n", "profiles", "set-secret", "BI"), exitOK, []string{`Stored the password for "BI"`}, nil)
	expect(t, cli("", "profiles", "show", "BI"), exitOK, []string{"User:", "bi-reader", "Basic app:", "DomainApiBasicAuthentication (the documented default)", "Password:"}, nil)
	expect(t, cli("", "profiles", "list"), exitOK, []string{"(basic as bi-reader)", "(reference token)"}, nil)
	r = cli("", "check", "BI")
	expect(t, r, exitOK, []string{"Signs in with legacy Basic authentication as bi-reader", "PASS  API GET /tableapi/odata/",
		"Move this integration to client credentials (ERP.net's migration page):", "1. Register a Trusted App"}, nil)
	noLeak(t, bi.ClientSecret, r.stdout, r.stderr)
	expect(t, cli("", "token", "BI"), exitUsage, nil, []string{"has no token"})
	expect(t, cli("", "record", "SAT", "--with", "BI"), exitUsage, nil, []string{"basic profile: it has no token to read a record with"})

	// The kind changes while the password is stored: it is never sent as a client secret.
	expect(t, cli("", "profiles", "edit", "BI", "--kind", "client-credentials", "--client-id", "com.sandbox/healthy"), exitOK,
		[]string{"The stored password is not sent as the client secret of a client-credentials profile: set it with trustedapp-check profiles set-secret BI"}, nil)
	r = cli("", "check", "BI")
	expect(t, r, exitFailed, []string{"config.secret_kind"}, nil)
	noLeak(t, bi.ClientSecret, r.stdout, r.stderr)
}

// The sandbox lists each scenario's kind, with the token or the user and password
// where a profile of that kind needs them.
func TestSandboxListsKinds(t *testing.T) {
	s := startSandbox(t)
	var b bytes.Buffer
	printScenarios(&b, s, nil)
	out := b.String()
	for _, w := range []string{"\nreference-token: ", "  kind           reference-token", "  token          enrt_", "  acts as        svc-reports",
		"\nbasic: ", "  kind           basic", "  user           bi-reader", "  password       sandbox-bi-password", "  kind           client-credentials"} {
		if !strings.Contains(out, w) {
			t.Errorf("the listing lacks %q", w)
		}
	}
}
