package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/audit"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

// The credential boundary from the command line: each command's requests go through
// the engine's gate, so a credential goes only where the user named it.

// An instance whose auto-discovery names its OData root on another host: the check
// sends no token there and fails (it used to warn and exit 0). Confirmed with
// --confirm-host, the token goes there, and every report lists the host as the
// user's own setting.
func TestCheckSendsNoTokenToADiscoveredHost(t *testing.T) {
	const secret = "s3cret-for-the-instance"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	elsewhere := strings.Replace(th.URL, "127.0.0.1", "localhost", 1)
	in.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
		doc := hostile.AutoDiscoveryDoc(in.URL, "Working", "")
		doc["WebSites"].([]any)[0].(map[string]any)["AdditionalProperties"] = map[string]any{"ODataServiceRoot": elsewhere + "/api/domain/odata/"}
		hostile.WriteJSON(w, 200, doc)
	}
	t.Setenv(SecretEnv, secret)
	args := []string{"check", "--instance", in.URL, "--client-id", hostile.ClientID}
	r := runArgs(t, context.Background(), "", args...)
	expect(t, r, exitFailed, []string{"WARN reach.api_host_foreign", "FAIL gate.token_foreign_host: The access token was not sent to " + elsewhere, "(" + in.URL + ")"}, nil)
	if th.Requests() != 0 {
		t.Fatalf("the discovered host got %d requests", th.Requests())
	}

	dir := testdir.New(t)
	md, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "j.xml")
	r = runArgs(t, context.Background(), "", append(args, "--confirm-host", elsewhere, "--report", md, "--junit", junit)...)
	// The thief answers 400 to everything: the calls fail there, but they were sent.
	expect(t, r, exitFailed, []string{"Hosts you confirmed for the access token: " + elsewhere}, nil)
	absent(t, r.stdout, "gate.token_foreign_host")
	if n := len(th.Tokens()); n != 2 {
		t.Errorf("the confirmed host got %d tokens, want 2 (the OData calls)", n)
	}
	files := readAll(md, strings.TrimSuffix(md, ".md")+".json", junit)
	for i, want := range []string{"| Hosts you confirmed for the access token | " + strings.Replace(elsewhere, "://", `:\/\/`, 1), `"confirmed_hosts": [`, `name="confirmed_hosts" value="` + elsewhere} {
		if !strings.Contains(files[i], want) {
			t.Errorf("report %d lacks %q:\n%s", i, want, files[i])
		}
	}
}

// The token command sends the secret only to the hosts named for it: a discovered
// token endpoint elsewhere is refused by the gate.
func TestTokenCommandSendsNoSecretElsewhere(t *testing.T) {
	const secret = "s3cret-for-the-authority"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	in.Discovery = func(root string) map[string]any {
		d := hostile.DefaultDiscovery(root)
		d["token_endpoint"] = th.URL + "/connect/token"
		return d
	}
	t.Setenv(SecretEnv, secret)
	r := runArgs(t, context.Background(), "", "token", "--instance", in.URL, "--client-id", hostile.ClientID)
	if r.code == exitOK || th.Requests() != 0 || !strings.Contains(r.stdout+r.stderr, "gate.secret_foreign_host") {
		t.Fatalf("exit %d, thief %d:\n%s\n%s", r.code, th.Requests(), r.stdout, r.stderr)
	}
}

// record X --with READER reads with READER's own settings: X's OData root (here an
// imported profile's, on another host) never sees READER's token.
func TestRecordWithReaderKeepsTheReadersSettings(t *testing.T) {
	const secret = "s3cret-of-the-reader"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	keyring.MockInit()
	store := storeOf(t,
		profiles.Profile{Name: "Reader", InstanceURL: in.URL, ClientID: hostile.ClientID},
		profiles.Profile{Name: "Imported", InstanceURL: in.URL, ClientID: "com.other/app", ODataRoot: th.URL + "/api/domain/odata/"})
	if err := newSecrets().Set("Reader", secret); err != nil {
		t.Fatal(err)
	}
	t.Setenv(SecretEnv, "")
	r := runArgs(t, context.Background(), "", "record", "Imported", "--with", "Reader", "--store", store)
	if th.Requests() != 0 {
		t.Fatalf("the reader's token went to the imported profile's OData root (%d requests)", th.Requests())
	}
	expect(t, r, exitFailed, []string{`read with the token of "Reader"`, `No Trusted App record has ApplicationUri "com.other/app"`}, nil)
}

// An import that moves a profile holding a secret to another host: the CLI says so,
// the secret stays with the host it was stored for (the next check does not send it),
// and only --move-secrets lets it follow.
func TestImportThatMovesAStoredSecret(t *testing.T) {
	const secret = "s3cret-stored-for-acme"
	home := hostile.New(t, secret)
	other := hostile.New(t, secret) // another port: another host
	keyring.MockInit()
	t.Setenv(SecretEnv, "")
	store := filepath.Join(testdir.New(t), "profiles.json")
	r := runArgs(t, context.Background(), "", "profiles", "add", "Acme", "--instance", home.URL, "--client-id", hostile.ClientID, "--store", store)
	expect(t, r, exitOK, nil, nil)
	r = runArgs(t, context.Background(), secret+"\n", "profiles", "set-secret", "Acme", "--store", store)
	expect(t, r, exitOK, nil, nil)

	bundle := filepath.Join(testdir.New(t), "bundle.json")
	if err := os.WriteFile(bundle, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[{"name":"Acme","instance_url":"`+other.URL+`","client_id":"`+hostile.ClientID+`"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, context.Background(), "", "profiles", "import", bundle, "--move-secrets", "--store", store)
	expect(t, r, exitUsage, nil, []string{"--move-secrets moves the secrets of the profiles an import replaces: use it with --on-conflict replace"})
	r = runArgs(t, context.Background(), "", "profiles", "import", bundle, "--on-conflict", "replace", "--store", store)
	expect(t, r, exitOK, []string{"1 replaced",
		`The client secret of "Acme" was stored for ` + home.URL + ` and stays with it: it is not sent to ` + other.URL,
		"instance_url: changes from " + home.URL + " to " + other.URL}, nil)

	r = runArgs(t, context.Background(), "", "profiles", "show", "Acme", "--store", store)
	expect(t, r, exitOK, []string{"Secret host:", "stored for " + home.URL + "; not sent to " + other.URL}, nil)
	r = runArgs(t, context.Background(), "", "check", "Acme", "--store", store)
	expect(t, r, exitFailed, []string{"gate.secret_moved: The client secret was not sent to " + other.URL + ": it was stored for " + home.URL}, nil)
	if other.TokenRequests() != 0 || home.TokenRequests() != 0 {
		t.Fatalf("token requests: new host %d, old host %d", other.TokenRequests(), home.TokenRequests())
	}

	r = runArgs(t, context.Background(), "", "profiles", "edit", "Acme", "--move-secrets", "--store", store)
	expect(t, r, exitOK, []string{`The client secret of "Acme" now goes to ` + other.URL + ` (it was stored for ` + home.URL + `)`}, nil)
	r = runArgs(t, context.Background(), "", "check", "Acme", "--store", store)
	expect(t, r, exitOK, nil, nil)
	absent(t, r.stdout, "gate.")
	if other.TokenRequests() != 1 {
		t.Errorf("after the move: %d token requests at the new host", other.TokenRequests())
	}

	// An edit that moves it again without the flag: said, and not sent.
	r = runArgs(t, context.Background(), "", "profiles", "edit", "Acme", "--instance", home.URL, "--store", store)
	expect(t, r, exitOK, []string{`The client secret of "Acme" was stored for ` + other.URL + " and stays with it", "--move-secrets"}, nil)
}

// --confirm-host and --unconfirm-host keep the profile's confirmed hosts.
func TestProfilesConfirmHost(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "profiles.json")
	r := runArgs(t, context.Background(), "", "profiles", "add", "Acme", "--instance", "https://acme.my.erp.net", "--client-id", "c", "--confirm-host", "https://TableAPI.acme.example", "--store", store)
	expect(t, r, exitOK, nil, nil)
	r = runArgs(t, context.Background(), "", "profiles", "show", "Acme", "--json", "--store", store)
	expect(t, r, exitOK, []string{`"confirmed_hosts": [`, `"https://tableapi.acme.example"`}, nil)
	r = runArgs(t, context.Background(), "", "profiles", "edit", "Acme", "--confirm-host", "https://api.acme.example/odata/", "--store", store)
	expect(t, r, exitUsage, nil, []string{"--confirm-host", "has a path or query"})
	r = runArgs(t, context.Background(), "", "profiles", "edit", "Acme", "--unconfirm-host", "https://nowhere.example", "--store", store)
	expect(t, r, exitUsage, nil, []string{"the profile does not confirm that host (it confirms: https://tableapi.acme.example)"})
	r = runArgs(t, context.Background(), "", "profiles", "edit", "Acme", "--unconfirm-host", "tableapi.acme.example", "--store", store)
	expect(t, r, exitOK, nil, nil)
	r = runArgs(t, context.Background(), "", "profiles", "show", "Acme", "--json", "--store", store)
	expect(t, r, exitOK, nil, nil)
	absent(t, r.stdout, "confirmed_hosts")
}

func absent(t *testing.T, out, s string) {
	t.Helper()
	if strings.Contains(out, s) {
		t.Errorf("the output has %q:\n%s", s, out)
	}
}

// diff's fresh runs (and their record reads) go through the gate like a check: an
// instance whose auto-discovery names its OData root elsewhere gets no token there.
func TestDiffSendsNoTokenToADiscoveredHost(t *testing.T) {
	t.Setenv(audit.EnvPath, filepath.Join(testdir.New(t), "audit.jsonl"))
	t.Setenv(SecretEnv, "")
	const secret = "s3cret-of-both"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	in.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
		doc := hostile.AutoDiscoveryDoc(in.URL, "Working", "")
		doc["WebSites"].([]any)[0].(map[string]any)["AdditionalProperties"] = map[string]any{"ODataServiceRoot": th.URL + "/api/domain/odata/"}
		hostile.WriteJSON(w, 200, doc)
	}
	keyring.MockInit()
	store := storeOf(t,
		profiles.Profile{Name: "A", InstanceURL: in.URL, ClientID: hostile.ClientID},
		profiles.Profile{Name: "B", InstanceURL: in.URL, ClientID: hostile.ClientID, Scopes: []string{"read"}})
	for _, n := range []string{"A", "B"} {
		if err := newSecrets().Set(n, secret); err != nil {
			t.Fatal(err)
		}
	}
	r := runArgs(t, context.Background(), "", "diff", "A", "B", "--all", "--store", store)
	if th.Requests() != 0 {
		t.Fatalf("diff sent %d requests to the discovered host", th.Requests())
	}
	if !strings.Contains(r.stdout, "gate.token_foreign_host") {
		t.Errorf("the refusal is not among the compared findings:\n%s", r.stdout)
	}
}
