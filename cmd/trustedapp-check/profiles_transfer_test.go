package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/testdir"
)

// Import names every profile escaped (a name cannot forge terminal output) and lists
// every security-relevant setting it brought in.
func TestImportOutputIsEscapedAndReviewed(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	bundle := filepath.Join(testdir.New(t), "b.json")
	os.WriteFile(bundle, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
	{"name":"evil\u001b[2J\u001b[1;32mVerdict: PASS\u202e","instance_url":"https://acme.my.erp.net","client_id":"c"},
	{"name":"Risky","instance_url":"https://acme.my.erp.net","client_id":"c","proxy":"http://proxy.evil.example:3128",
	 "token_endpoint":"https://collector.evil.example/token","tls":{"insecure_skip_verify":true},
	 "calls":[{"method":"DELETE","path":"/api/domain/odata/Crm_Sales_Customers(1)"}]}]}`), 0o600)
	r := runCLI(t, store, nil, "import", bundle)
	expect(t, r, 2, []string{
		`rejected  evil\x1b[2J\x1b[1;32mVerdict: PASS\u202e`,
		"name: contains a control character",
		"added     Risky",
		"Review these settings the import brought in",
		"    tls.insecure_skip_verify: TLS certificate verification is OFF",
		"    proxy: every request goes through the proxy http://proxy.evil.example:3128",
		"    token_endpoint: on another host than the instance (collector.evil.example, the instance is acme.my.erp.net): the client secret is sent there",
		"    calls[0]: DELETE /api/domain/odata/Crm_Sales_Customers(1) changes data on the instance",
	}, nil)
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\u202e") {
		t.Fatalf("raw control characters reached the terminal:\n%q", r.stdout)
	}
}

// A damaged store: every command says what was restored and from where, and names the
// command that brings back the rest; 'profiles recover' does.
func TestProfilesRecover(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	for _, n := range []string{"Alpha", "Beta", "Newest"} {
		expect(t, runCLI(t, store, nil, "add", n, "--instance", "https://acme.my.erp.net", "--client-id", "c"), 0, nil, nil)
	}
	raw, _ := os.ReadFile(store)
	os.WriteFile(store, []byte(strings.Replace(string(raw), `"Alpha"`, "\"Al\x00pha\"", 1)), 0o600)
	r := runCLI(t, store, nil, "list")
	expect(t, r, 0, []string{"Alpha", "Beta"}, []string{
		"warning: profile store " + store + " is damaged",
		`Restored 2 profiles from the backup ` + store + `.bak`,
		`The damaged file still holds 1 profile that the store now lacks or holds in an older version: "Newest".`,
		"trustedapp-check profiles recover " + store + ".corrupt-",
	})
	if strings.Contains(r.stdout, "Newest") {
		t.Fatal("Newest listed before the recovery")
	}
	expect(t, runCLI(t, store, nil, "recover"), 0, []string{"From " + store + ".corrupt-", "recovered Newest (it was missing)", "kept      Beta", "1 recovered, 0 replaced by the damaged file's newer version, 1 kept."}, nil)
	expect(t, runCLI(t, store, nil, "list"), 0, []string{"Newest"}, nil)
	expect(t, runCLI(t, store, nil, "recover"), 0, []string{"0 recovered"}, nil)
	// Nothing set aside, and a file that is not there.
	clean := filepath.Join(testdir.New(t), "q.json")
	expect(t, runCLI(t, clean, nil, "recover"), 2, nil, []string{"there is no damaged store file beside " + clean})
	expect(t, runCLI(t, store, nil, "recover", filepath.Join(testdir.New(t), "nope")), 3, nil, []string{"cannot open the damaged store file"})
}

// profiles import --csv: Excel's semicolon file from a European locale comes in
// through the same review and conflict options as a bundle, and the import lists the
// profiles that still need a secret with the command for each; one whose secret is
// already in the keychain (a replaced profile keeps its name and secret) is not listed.
func TestImportCSV(t *testing.T) {
	keyring.MockInit()
	store := filepath.Join(testdir.New(t), "p.json")
	expect(t, runCLI(t, store, nil, "add", "Acme Prod", "--instance", "https://acme.my.erp.net", "--client-id", "c"), 0, nil, nil)
	expect(t, runCLI(t, store, strings.NewReader("s3cret-Acme-Prod\n"), "set-secret", "Acme Prod"), 0, nil, nil)
	file := filepath.Join(testdir.New(t), "customers.txt")
	os.WriteFile(file, []byte("\ufeffName;Instance;Client ID;Scopes;Env;Tags\r\n"+
		"Acme Prod;https://acme.my.erp.net;com.acme/sync;read;Production;acme\r\n"+
		"Бета Тест;http://10.0.0.7;com.beta/sync;read update;Test;\"beta;eu\"\r\n"+
		"O'Neil;https://oneil.my.erp.net;com.oneil/sync;read;Test;\r\n"), 0o600)
	r := runCLI(t, store, nil, "import", "--csv", file, "--on-conflict", "replace")
	expect(t, r, 0, []string{
		"added     Бета Тест",
		"added     O'Neil",
		"replaced  Acme Prod",
		"2 added, 0 renamed, 1 replaced, 0 skipped, 0 rejected.",
		"Review these settings the import brought in",
		"    instance_url: plain http:// to 10.0.0.7",
		"2 of the imported profiles still need a client secret (typed or piped, never an argument):\n" +
			"  trustedapp-check profiles set-secret 'Бета Тест'\n" +
			"  trustedapp-check profiles set-secret 'O'\\''Neil'\n",
	}, nil)
	if strings.Contains(r.stdout, "set-secret 'Acme Prod'") {
		t.Errorf("Acme Prod has its secret:\n%s", r.stdout)
	}
	show := runCLI(t, store, nil, "show", "Бета Тест", "--json")
	if !strings.Contains(show.stdout, `"tags": [`) || !strings.Contains(show.stdout, `"beta"`) {
		t.Errorf("tags not stored:\n%s", show.stdout)
	}
	if show := runCLI(t, store, nil, "show", "Бета Тест"); !strings.Contains(show.stdout, "beta, eu") {
		t.Errorf("tags not shown:\n%s", show.stdout)
	}
	// A .csv name implies --csv; a secret column refuses the whole file, naming no value.
	bad := filepath.Join(testdir.New(t), "with-secrets.CSV")
	os.WriteFile(bad, []byte("name,instance,client_id,client_secret\nNew,https://new.example,c,s3cret-in-file\n"), 0o600)
	r = runCLI(t, store, nil, "import", bad)
	expect(t, r, 2, nil, []string{`column 4 "client_secret" looks like a secret: secrets are never imported from a file`})
	if strings.Contains(r.stdout+r.stderr, "s3cret-in-file") || strings.Contains(runCLI(t, store, nil, "list").stdout, "New") {
		t.Errorf("the refused file leaked or imported:\n%s%s", r.stdout, r.stderr)
	}
	// Several problems: one line each, nothing imported.
	os.WriteFile(bad, []byte("name,instance,client_id\n,https://a.example,c\nB,https://b.example,c,x\n"), 0o600)
	r = runCLI(t, store, nil, "import", bad)
	expect(t, r, 2, nil, []string{"the CSV file cannot be imported (2 problems); nothing was imported:\n  line 2 has no name: every row needs one\n  line 3 has 4 cells, the header 3"})
	// Without --csv and a .txt name, the same file is read as a bundle and refused as one.
	r = runCLI(t, store, nil, "import", file)
	expect(t, r, 2, nil, []string{"cannot be used"})
}
