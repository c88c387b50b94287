package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the real dispatcher with a store in dir.
func runCLI(t *testing.T, store string, stdin io.Reader, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	full := append([]string{"profiles"}, args...)
	if store != "" {
		full = append(full, "--store", store)
	}
	code := run(env{ctx: context.Background(), args: full, stdin: stdin, stdout: &out, stderr: &errb})
	return cliResult{code, out.String(), errb.String()}
}

func expect(t *testing.T, r cliResult, code int, wantOut, wantErr []string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, w := range wantOut {
		if !strings.Contains(r.stdout, w) {
			t.Fatalf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, w := range wantErr {
		if !strings.Contains(r.stderr, w) {
			t.Fatalf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

func TestProfilesCLILifecycle(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	const secret = "cli-Secret-4f8a9c7e"
	var outputs strings.Builder
	do := func(stdin io.Reader, code int, wantOut, wantErr []string, args ...string) cliResult {
		t.Helper()
		r := runCLI(t, store, stdin, args...)
		outputs.WriteString(r.stdout + r.stderr)
		expect(t, r, code, wantOut, wantErr)
		return r
	}

	do(nil, 0, []string{"No profiles in " + store, "profiles add NAME"}, nil, "list")
	do(nil, 0, []string{`Added profile "Acme Test"`, "set-secret " + platform.Current().Quote("Acme Test")}, nil,
		"add", "Acme Test", "--instance", "https://acme.my.erp.net", "--client-id", "app://checker",
		"--scope", "read update", "--env", "Test", "--timeout", "45s", "--call", "GET /api/domain/odata/X?$top=1", "--call", "POST /api/domain/odata/Y {\"a\":1}")
	// a warning does not block
	do(nil, 0, []string{`Added profile "Other"`},
		[]string{`warning: scopes[2] (--scope): "openid" is never granted to a service`},
		"add", "Other", "--instance", "https://o.example", "--client-id", "o", "--scope", "read,update openid", "--auth", "basic")
	// errors name the field, the flag and the fix; exit 2; nothing saved
	do(nil, 2, nil, []string{
		"error: instance_url (--instance): id.erp.net is ERP.net's global identity server",
		"error: client_id (--client-id): is empty: enter the Trusted App's ApplicationUri",
		"The profile was not added."},
		"add", "Bad", "--instance", "https://id.erp.net")
	do(nil, 2, nil, []string{`error: name (NAME): a profile named "Acme Test" already exists`}, "add", "acme test", "--instance", "https://x.example", "--client-id", "c")
	do(nil, 2, nil, []string{`--timeout "soon": write a duration such as 30s`}, "add", "T", "--instance", "https://x.example", "--client-id", "c", "--timeout", "soon")
	do(nil, 2, nil, []string{`--call "GET": write the method and the path`}, "add", "T", "--instance", "https://x.example", "--client-id", "c", "--call", "GET")

	r := do(nil, 0, []string{"NAME", "Acme Test", "Test", "https://acme.my.erp.net", "read update", "not set", "Other"}, nil, "list")
	if strings.Contains(r.stdout, "Bad") {
		t.Fatal("invalid profile was saved")
	}
	r = do(nil, 0, nil, nil, "list", "--json")
	var listed []profiles.Profile
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil || len(listed) != 2 || listed[0].TimeoutSeconds != 45 || len(listed[0].Calls) != 2 || listed[0].Calls[1].Body != `{"a":1}` {
		t.Fatalf("list --json: %v %+v", err, listed)
	}
	do(nil, 0, []string{"Authority:", "https://acme.my.erp.net/id (derived)", "Token endpoint:", "(from discovery)", "Auth method:", "post (client_secret in the form body)",
		"POST /api/domain/odata/Y  (with body)", "Timeout:", "45s", "Secret:", "not set (set it: trustedapp-check profiles set-secret " + platform.Current().Quote("Acme Test") + ")"}, nil, "show", "acme test")

	// secrets: never an argument; stdin; too long; then shown as stored
	do(nil, 2, nil, []string{"never from the command line"}, "set-secret", "Acme Test", secret)
	do(strings.NewReader(strings.Repeat("x", profiles.MaxSecretBytes+1)+"\n"), 2, nil, []string{"longer than 2560 bytes", "not stored (nor truncated)"}, "set-secret", "Acme Test")
	do(strings.NewReader("\n"), 2, nil, []string{"no secret on stdin (it was empty)"}, "set-secret", "Acme Test")
	do(strings.NewReader(secret+"\n"), 0, []string{`Stored the client secret for "Acme Test" in ` + platform.Keychain()}, nil, "set-secret", "acme test")
	if v, _ := keyring.Get(profiles.KeyringService, "Acme Test"); v != secret {
		t.Fatalf("keyring holds %q", v)
	}
	do(nil, 0, []string{"stored in " + platform.Keychain() + "; secret set today"}, nil, "show", "Acme Test")
	r = do(nil, 0, nil, nil, "show", "Acme Test", "--json")
	var shown struct {
		Secret struct {
			Status string `json:"status"`
			Set    bool   `json:"set"`
		} `json:"secret"`
		AuthorityURL string             `json:"authority_url"`
		Problems     []profiles.Problem `json:"problems"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Secret.Status != "keychain" || !shown.Secret.Set || shown.AuthorityURL != "https://acme.my.erp.net/id" || shown.Problems == nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}

	// edit changes only what is given
	do(nil, 2, nil, []string{"give at least one profile flag"}, "edit", "Acme Test")
	do(nil, 0, []string{`Updated profile "Acme Test"`}, nil, "edit", "Acme Test", "--scope", "read", "--notes", "edited")
	r = do(nil, 0, nil, nil, "show", "Acme Test", "--json")
	if !strings.Contains(r.stdout, `"notes": "edited"`) || !strings.Contains(r.stdout, `"timeout_seconds": 45`) || strings.Contains(r.stdout, `"update"`) {
		t.Fatalf("edit result:\n%s", r.stdout)
	}
	do(nil, 2, nil, []string{`--auth "jwt": use post (form body, the default) or basic (HTTP Basic header)`}, "edit", "Acme Test", "--auth", "jwt")

	// rename moves the secret; duplicate copies it
	do(nil, 0, []string{`Renamed profile "Acme Test" to "Acme Prod"`}, nil, "rename", "Acme Test", "Acme Prod")
	if v, _ := keyring.Get(profiles.KeyringService, "Acme Prod"); v != secret {
		t.Fatal("rename did not move the secret")
	}
	do(nil, 2, nil, []string{"already exists"}, "rename", "Acme Prod", "other")
	do(nil, 0, []string{`Created profile "Copy" as a copy of "Acme Prod"`}, nil, "duplicate", "Acme Prod", "Copy")

	// export / import
	exp := filepath.Join(testdir.New(t), "bundle.json")
	do(nil, 0, nil, []string{"Exported 2 profiles to " + exp}, "export", "Acme Prod", "Copy", "-o", exp)
	r = do(nil, 0, []string{`"kind": "trustedapp-tester/profiles"`}, nil, "export")
	exportAll := r.stdout
	do(nil, 3, nil, []string{`no profile named "nope"`}, "export", "nope")
	do(nil, 0, []string{"skipped   Acme Prod (a profile with this name exists", "0 added"}, nil, "import", exp)
	do(nil, 0, []string{"renamed   Acme Prod -> Acme Prod (2)", "renamed   Copy -> Copy (2)"}, nil, "import", exp, "--on-conflict", "rename")
	do(strings.NewReader(exportAll), 0, []string{"replaced  Acme Prod"}, nil, "import", "-", "--on-conflict", "replace")
	do(nil, 2, nil, []string{`--on-conflict "merge": use skip, rename or replace`}, "import", exp, "--on-conflict", "merge")
	bad := filepath.Join(testdir.New(t), "bad.json")
	os.WriteFile(bad, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[{"name":"G","instance_url":"https://id.erp.net","client_id":"c"}]}`), 0o600)
	do(nil, 2, []string{"rejected  G", "instance_url: id.erp.net is ERP.net's global identity server"}, nil, "import", bad)
	do(nil, 3, nil, []string{"cannot open the import file"}, "import", filepath.Join(testdir.New(t), "missing.json"))

	// rm-secret, rm
	do(nil, 0, []string{`Removed the client secret for "Copy"`}, nil, "rm-secret", "Copy")
	do(nil, 0, []string{"Secret:", "not set"}, nil, "show", "Copy")
	do(nil, 0, []string{`Deleted profile "Acme Prod" and its secret.`}, nil, "rm", "acme prod")
	if _, err := keyring.Get(profiles.KeyringService, "Acme Prod"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("rm left the secret")
	}
	do(nil, 3, nil, []string{`no profile named "Acme Prod"`}, "show", "Acme Prod")

	// the secret never appeared in any output, the store, its backup or the export
	files := []string{store, store + ".bak", exp}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) {
			t.Fatalf("%s contains the secret", f)
		}
	}
	if strings.Contains(outputs.String(), secret[:10]) || strings.Contains(exportAll, secret) {
		t.Fatal("an output contains the secret")
	}
}

func TestProfilesCLIUsage(t *testing.T) {
	store := filepath.Join(testdir.New(t), "p.json")
	expect(t, runCLI(t, "", nil), 2, nil, []string{"Usage: trustedapp-check profiles <subcommand>"})
	expect(t, runCLI(t, "", nil, "--help"), 0, []string{"set-secret NAME", "--on-conflict"}, nil)
	expect(t, runCLI(t, "", nil, "frobnicate"), 2, nil, []string{`unknown subcommand "frobnicate"`})
	expect(t, runCLI(t, store, nil, "show"), 2, nil, []string{"usage: trustedapp-check profiles show NAME"})
	expect(t, runCLI(t, store, nil, "rename", "a"), 2, nil, []string{"usage: trustedapp-check profiles rename OLD NEW"})
	expect(t, runCLI(t, store, nil, "list", "--bogus"), 2, nil, []string{"flag provided but not defined: -bogus"})
	expect(t, runCLI(t, store, nil, "list", "-h"), 0, nil, []string{"-json"})
	expect(t, runCLI(t, store, nil, "set-secret", "nobody"), 3, nil, []string{`no profile named "nobody"`})
}

func TestProfilesCLIStoreProblems(t *testing.T) {
	keyring.MockInit()
	dir := testdir.New(t)
	// damaged store: warned about, moved aside, backup used, command still works
	store := filepath.Join(dir, "p.json")
	os.WriteFile(store, []byte(`{"schema":1,"profiles":[{"name":"x"`), 0o600)
	os.WriteFile(store+".bak", []byte(`{"schema":1,"profiles":[{"name":"from-backup","instance_url":"https://a.example","client_id":"c"}]}`), 0o600)
	expect(t, runCLI(t, store, nil, "list"), 0, []string{"from-backup"}, []string{"warning: profile store " + store + " is damaged (truncated", `Restored 1 profile from the backup ` + store + `.bak (saved `, `: "from-backup".`})
	// newer schema: refused, exit 3, untouched
	future := filepath.Join(dir, "f.json")
	os.WriteFile(future, []byte(`{"schema":3,"profiles":[]}`), 0o600)
	expect(t, runCLI(t, future, nil, "list"), 3, nil, []string{"written by a newer version of Trusted App Tester (schema 3"})
	// TRUSTEDAPP_STORE is used without --store
	envStore := filepath.Join(dir, "env.json")
	t.Setenv(profiles.StoreEnv, envStore)
	expect(t, runCLI(t, "", nil, "add", "E", "--instance", "https://e.example", "--client-id", "c"), 0, []string{"to " + envStore}, nil)
}

func TestProfilesCLIKeyringUnavailable(t *testing.T) {
	store := filepath.Join(testdir.New(t), "p.json")
	keyring.MockInit()
	expect(t, runCLI(t, store, nil, "add", "K", "--instance", "https://k.example", "--client-id", "c"), 0, nil, nil)
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	defer keyring.MockInit()
	expect(t, runCLI(t, store, strings.NewReader("pw"), "set-secret", "K"), 3, nil, []string{
		sentence.Capitalize(platform.Keychain()) + " is not available (no Secret Service is running): install and unlock GNOME Keyring, KWallet or KeePassXC",
		"the secret was not stored anywhere"})
	expect(t, runCLI(t, store, nil, "show", "K"), 0, []string{platform.Keychain() + " unavailable", sentence.Capitalize(platform.Keychain()) + " is not available (no Secret Service is running)"}, nil)
	b, _ := os.ReadFile(store)
	if strings.Contains(string(b), "secret_set_at") {
		t.Fatal("a failed set-secret recorded a date")
	}
}

// rm --sandbox deletes the demo mode's profiles and secrets, nothing else.
func TestProfilesRmSandbox(t *testing.T) {
	keyring.MockInit()
	store := sandboxStore(t, "Sandbox: healthy", "Sandbox: disabled")
	sec := profiles.NewSecrets()
	for _, n := range []string{"Sandbox: healthy", "Sandbox: disabled", "Acme Prod"} {
		if err := sec.Set(n, "secret-of-"+n); err != nil {
			t.Fatal(err)
		}
	}
	r := runCLI(t, store, nil, "rm")
	expect(t, r, 2, nil, []string{"give either one profile NAME or --sandbox"})

	// A store that cannot be written (its backup path is taken by a folder): the
	// command stops at the first profile, says why, and deletes nothing.
	_ = os.Remove(store + ".bak")
	if err := os.MkdirAll(filepath.Join(store+".bak", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, store, nil, "rm", "--sandbox")
	expect(t, r, 3, nil, []string{"trustedapp-check profiles:", ".bak"})
	if v, _ := sec.Get("Sandbox: healthy"); v == "" {
		t.Fatal("a failed rm --sandbox removed a secret")
	}
	if err := testdir.Remove(store + ".bak"); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, store, nil, "rm", "Acme Prod", "--sandbox")
	expect(t, r, 2, nil, []string{"give either one profile NAME or --sandbox"})

	r = runCLI(t, store, nil, "rm", "--sandbox")
	expect(t, r, 0, []string{"Deleted 2 sandbox profiles and their secrets; your own profiles are unchanged."}, nil)
	r = runCLI(t, store, nil, "list")
	if !strings.Contains(r.stdout, "Acme Prod") || strings.Contains(r.stdout, "Sandbox:") {
		t.Errorf("list after rm --sandbox:\n%s", r.stdout)
	}
	if v, _ := sec.Get("Sandbox: healthy"); v != "" {
		t.Error("a sandbox secret stayed in the keychain")
	}
	if v, _ := sec.Get("Acme Prod"); v != "secret-of-Acme Prod" {
		t.Errorf("the user's secret = %q", v)
	}
	r = runCLI(t, store, nil, "rm", "--sandbox")
	expect(t, r, 0, []string{"No sandbox profiles to delete."}, nil)
}

// storeOf is a profile store in a folder of its own, holding ps.
func storeOf(t *testing.T, ps ...profiles.Profile) string {
	t.Helper()
	path := filepath.Join(testdir.New(t), "p.json")
	s, err := profiles.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// sandboxStore is a store with the demo mode's profiles named sandbox and one of the
// user's own ("Acme Prod").
func sandboxStore(t *testing.T, sandbox ...string) string {
	t.Helper()
	var ps []profiles.Profile
	for _, n := range sandbox {
		ps = append(ps, profiles.Profile{Name: n, Sandbox: true, Environment: profiles.EnvSandbox, InstanceURL: "http://127.0.0.1:1", ClientID: "com.sandbox/x"})
	}
	return storeOf(t, append(ps, profiles.Profile{Name: "Acme Prod", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/nightly"})...)
}

// rm --sandbox with a keychain that refuses every request deletes every sandbox
// profile all the same, then lists the keychain entries that may be left (exit 3); it
// used to stop at the first one.
func TestProfilesRmSandboxWithoutKeychain(t *testing.T) {
	kc := platform.Keychain()
	refusal := sentence.Capitalize(platform.Keychain()) + " is not available (no Secret Service is running): install and unlock GNOME Keyring, KWallet or KeePassXC, or use a session-only secret (kept in memory until the app closes)."
	for _, tc := range []struct {
		name, stdout, stderr string
		sandbox              []string
	}{
		{"two", "Deleted 2 sandbox profiles; your own profiles are unchanged.\n",
			"trustedapp-check profiles: " + kc + " could not be used, so the secrets of these deleted sandbox profiles may still be in it: " + refusal + "\n" +
				"Remove them by hand from " + kc + " once it works (service \"trustedapp-tester\"):\n" +
				"  account \"Sandbox: disabled\"\n  account \"Sandbox: healthy\"\n",
			[]string{"Sandbox: healthy", "Sandbox: disabled"}},
		{"one", "Deleted 1 sandbox profiles; your own profiles are unchanged.\n",
			"trustedapp-check profiles: " + kc + " could not be used, so the secret of this deleted sandbox profile may still be in it: " + refusal + "\n" +
				"Remove it by hand from " + kc + " once it works (service \"trustedapp-tester\"):\n  account \"Sandbox: healthy\"\n",
			[]string{"Sandbox: healthy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := sandboxStore(t, tc.sandbox...)
			keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
			r := runCLI(t, store, nil, "rm", "--sandbox")
			keyring.MockInit()
			if r.code != exitEnvironment || r.stdout != tc.stdout || r.stderr != tc.stderr {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			r = runCLI(t, store, nil, "list")
			if !strings.Contains(r.stdout, "Acme Prod") || strings.Contains(r.stdout, "Sandbox:") {
				t.Errorf("list after rm --sandbox:\n%s", r.stdout)
			}
		})
	}
}
