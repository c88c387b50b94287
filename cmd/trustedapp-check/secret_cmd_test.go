package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// A new Trusted App set up with 'secret new': the secret is stored for the profile,
// the record values go into the (sandbox) instance as they are, and the check passes
// with nothing to narrow.
func TestSecretNewSetsUpATrustedAppThatWorks(t *testing.T) {
	s := startSandbox(t)
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	store := filepath.Join(testdir.New(t), "profiles.json")
	st, err := profiles.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	healthy, _ := s.Scenario("healthy")
	p := profiles.Profile{Name: "Nightly import", InstanceURL: healthy.Instance, ClientID: "com.acme/nightly-import",
		Scopes: []string{"read"}, TLS: profiles.TLSOptions{CAFile: s.CAFile()}}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(testdir.New(t), "ticket.json")

	r := runArgs(t, context.Background(), "", "secret", "new", "--profile", "Nightly import", "--json", "--export", export, "--store", store)
	var out newSecretOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK {
		t.Fatalf("secret new: %v (exit %d)\n%s\n%s", err, r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(out.Secret) || out.StoredFor != "Nightly import" {
		t.Fatalf("output %+v", out)
	}
	if got, err := newSecrets().Get("Nightly import"); err != nil || got != out.Secret {
		t.Fatalf("the keychain holds %q (%v), not the new secret", got, err)
	}
	if sp, _ := profiles.Open(store); sp != nil {
		if q, _ := sp.Get("Nightly import"); q.SecretSetAt.IsZero() {
			t.Error("the secret's date was not recorded")
		}
	}
	su := out.Setup
	values := map[string]string{}
	for _, v := range su.Values {
		values[v.Field] = v.Value
	}
	if su.ApplicationSecretHash != check.ApplicationSecretHash(out.Secret) || values["ApplicationUri"] != "com.acme/nightly-import" ||
		values["ClientType"] != "Confidential" || values["SystemUserAllowed"] != "true" || values["Scope"] != "read" ||
		values["SystemUser"] != "svc-nightly-import" || values["ApplicationSecretHash"] != su.ApplicationSecretHash {
		t.Errorf("record values %v", values)
	}
	// The export for a ticket: the same values, never the secret.
	raw, err := os.ReadFile(export)
	if err != nil || strings.Contains(string(raw), out.Secret) || !strings.Contains(string(raw), su.ApplicationSecretHash) {
		t.Fatalf("export (%v) holds the secret or lacks the hash:\n%s", err, raw)
	}

	// Enter the values in the instance, exactly as listed.
	if err := s.AddApp(sandbox.TrustedApp{Name: values["Name"], ApplicationURI: values["ApplicationUri"], ClientType: values["ClientType"],
		ApplicationSecretHash: values["ApplicationSecretHash"], SystemUserAllowed: values["SystemUserAllowed"] == "true",
		SystemUser: &sandbox.User{Login: values["SystemUser"], Type: "ApplicationUserNoLogin", Active: true},
		Scope:      values["Scope"], IsEnabled: values["IsEnabled"] == "true", ReferenceTokens: values["ReferenceTokens"]}); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "check", "Nightly import", "--strict", "--store", store)
	expect(t, r, exitOK, []string{"Verdict: PASS", "svc-nightly-import"}, nil)
	if strings.Contains(r.stdout, "Least privilege") {
		t.Errorf("a Trusted App set up as listed still has something to narrow:\n%s", r.stdout)
	}
	r = runArgs(t, context.Background(), "", "record", "Nightly import", "--store", store)
	expect(t, r, exitOK, []string{"OK    ApplicationSecretHash", "Every field client credentials needs is right."}, nil)

	// The profile now has a secret: a second 'new' needs --replace, and nothing changes.
	r = runArgs(t, context.Background(), "", "secret", "new", "--profile", "Nightly import", "--store", store)
	expect(t, r, exitUsage, nil, []string{"already has a secret in " + platform.Keychain(), "--replace"})
	if got, _ := newSecrets().Get("Nightly import"); got != out.Secret {
		t.Fatal("a refused 'secret new' changed the keychain")
	}
	r = runArgs(t, context.Background(), "", "secret", "new", "--profile", "Nightly import", "--replace", "--store", store)
	expect(t, r, exitOK, []string{"stored in " + platform.Keychain() + " (shown only this once)", "ApplicationSecretHash: ", "Trusted App record values for \"Nightly import\"", "ApplicationUserNoLogin"}, nil)
	rotated, _ := newSecrets().Get("Nightly import")
	if rotated == out.Secret || !strings.Contains(r.stdout, rotated) || !strings.Contains(r.stdout, check.ApplicationSecretHash(rotated)) {
		t.Fatalf("--replace: keychain %q, output\n%s", rotated, r.stdout)
	}
	// The record still holds the old hash: record names it as another secret.
	r = runArgs(t, context.Background(), "", "record", "Nightly import", "--store", store)
	expect(t, r, exitFailed, []string{"must be: " + check.ApplicationSecretHash(rotated)}, []string{"got no token", "token.invalid_client"})

	// secret hash / secret export of the stored secret.
	r = runArgs(t, context.Background(), "", "secret", "hash", "--profile", "Nightly import", "--store", store)
	expect(t, r, exitOK, []string{check.ApplicationSecretHash(rotated) + "\n"}, nil)
	r = runArgs(t, context.Background(), "", "secret", "export", "--profile", "Nightly import", "--json", "--store", store)
	var setup check.AppSetup
	if err := json.Unmarshal([]byte(r.stdout), &setup); err != nil || setup.ApplicationSecretHash != check.ApplicationSecretHash(rotated) || strings.Contains(r.stdout, rotated) {
		t.Fatalf("secret export: %v\n%s", err, r.stdout)
	}
	r = runArgs(t, context.Background(), "", "secret", "export", "--profile", "Nightly import", "--store", store)
	expect(t, r, exitOK, []string{"ApplicationSecretHash", check.ApplicationSecretHash(rotated), "never the secret"}, nil)
	noLeak(t, rotated, r.stdout, r.stderr)
}

func TestSecretHash(t *testing.T) {
	for _, tc := range []struct{ stdin, want, warn string }{
		{"DEMO", "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=\n", ""},
		{"DEMO\n", "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=\n", ""},   // echo DEMO | ...
		{"DEMO\r\n", "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=\n", ""}, // a Windows file
		{" DEMO\n", check.ApplicationSecretHash(" DEMO") + "\n", "starts or ends with a space"},
	} {
		r := runArgs(t, context.Background(), tc.stdin, "secret", "hash")
		if r.code != exitOK || r.stdout != tc.want || (tc.warn != "" && !strings.Contains(r.stderr, tc.warn)) || (tc.warn == "" && r.stderr != "") {
			t.Errorf("hash of %q: exit %d, %q, stderr %q", tc.stdin, r.code, r.stdout, r.stderr)
		}
	}
	r := runArgs(t, context.Background(), "DEMO", "secret", "hash", "--json")
	expect(t, r, exitOK, []string{`"application_secret_hash": "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4="`}, nil)
	r = runArgs(t, context.Background(), "", "secret", "hash")
	expect(t, r, exitUsage, nil, []string{"no secret on stdin (it was empty)"})
	r = runArgs(t, context.Background(), strings.Repeat("x", profiles.MaxSecretBytes+1), "secret", "hash")
	expect(t, r, exitUsage, nil, []string{"longer than 2560 bytes"})
}

// aSecret matches a secret made by 'secret new': 40 letters and digits on their own.
var aSecret = regexp.MustCompile(`(^|[^A-Za-z0-9])[A-Za-z0-9]{40}([^A-Za-z0-9]|$)`)

func TestSecretNewWithoutProfileAndMistakes(t *testing.T) {
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	store := filepath.Join(testdir.New(t), "profiles.json")

	// No profile: the secret is shown, stored nowhere; the values have a placeholder id.
	r := runArgs(t, context.Background(), "", "secret", "new", "--store", store)
	expect(t, r, exitOK, []string{"stored nowhere: copy it now", "com.yourcompany/your-integration", "Scope", "read"}, nil)
	secret := regexp.MustCompile(`(?m)^  ([A-Za-z0-9]{40})$`).FindStringSubmatch(r.stdout)
	if secret == nil || !strings.Contains(r.stdout, "ApplicationSecretHash: "+check.ApplicationSecretHash(secret[1])) {
		t.Fatalf("no secret with its hash:\n%s", r.stdout)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"secret"}, exitUsage, "Usage:"},
		{[]string{"secret", "rotate"}, exitUsage, `unknown subcommand "rotate"`},
		{[]string{"secret", "hash", "my-secret"}, exitUsage, "a secret is never an argument"},
		{[]string{"secret", "new", "--replace"}, exitUsage, "--replace replaces a profile's secret: give --profile NAME"},
		{[]string{"secret", "new", "--profile", "nobody"}, exitEnvironment, `no profile named "nobody"`},
		{[]string{"secret", "export"}, exitUsage, "name the profile: --profile NAME"},
		{[]string{"secret", "hash", "--profile", "nobody"}, exitEnvironment, `no profile named "nobody"`},
		{[]string{"secret", "new", "--bogus"}, exitUsage, "flag provided but not defined"},
	} {
		r := runArgs(t, context.Background(), "", append(tc.args, "--store", store)...)
		if len(tc.args) == 1 {
			r = runArgs(t, context.Background(), "", tc.args...)
		}
		expect(t, r, tc.code, nil, []string{tc.msg})
	}
	r = runArgs(t, context.Background(), "", "secret", "--help")
	expect(t, r, exitOK, []string{"secret new", "secret hash", "secret export", "ApplicationUserNoLogin"}, nil)

	// A profile without a stored secret: export and hash say so (exit 3).
	st, _ := profiles.Open(store)
	if err := st.Add(profiles.Profile{Name: "bare", InstanceURL: "https://acme.example.test", ClientID: "com.acme/bare"}); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "secret", "export", "--profile", "bare", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{"no client secret is set for profile \"bare\""})

	// An export that cannot be written leaves the keychain as it was.
	r = runArgs(t, context.Background(), "", "secret", "new", "--profile", "bare", "--export", filepath.Join(testdir.New(t), "missing-dir", "x.txt"), "--store", store)
	expect(t, r, exitEnvironment, nil, []string{"cannot write"})
	if _, err := newSecrets().Get("bare"); !errors.Is(err, profiles.ErrSecretNotSet) {
		t.Errorf("a failed export still stored a secret (%v)", err)
	}
	if aSecret.MatchString(r.stdout + r.stderr) {
		t.Errorf("a failed 'secret new' showed a secret:\n%s%s", r.stdout, r.stderr)
	}

	// No keychain: nothing stored, nothing shown.
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	exportDir := testdir.New(t)
	r = runArgs(t, context.Background(), "", "secret", "new", "--profile", "bare", "--export", filepath.Join(exportDir, "ticket.txt"), "--store", store)
	expect(t, r, exitEnvironment, nil, []string{sentence.Capitalize(platform.Keychain()) + " is not available"})
	if aSecret.MatchString(r.stdout + r.stderr) {
		t.Errorf("'secret new' without a keychain showed a secret:\n%s%s", r.stdout, r.stderr)
	}
	if left, _ := os.ReadDir(exportDir); len(left) != 0 {
		t.Errorf("an export of a secret nobody has was left behind: %v", left)
	}
}
