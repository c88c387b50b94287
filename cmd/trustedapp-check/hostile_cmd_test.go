package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/testdir"
)

// readAll reads the files a run wrote ("" for one that is not there).
func readAll(paths ...string) []string {
	var out []string
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		out = append(out, string(b))
	}
	return out
}

// Everything the CLI shows or writes after a server echoed the secret: the text on
// stdout, the JSON document, the Markdown and JSON reports, JUnit and the audit log.
// Every echo style, refused and granted, for a long secret full of characters each
// encoding treats differently and for a 4-character one.
func TestCheckEchoedSecretLeaksNowhere(t *testing.T) {
	var leaked []string
	cases := 0
	for _, secret := range []string{"S3cr+t/p@ss w\"rd<&>%:é'\\`x~", "zQ7!"} {
		for _, style := range hostile.EchoStyles() {
			for _, grant := range []bool{false, true} {
				cases++
				in := hostile.New(t, secret)
				hostile.Echo(in, style.Echo(secret, hostile.ClientID), grant)
				dir := testdir.New(t)
				auditLog := filepath.Join(dir, "audit.jsonl")
				t.Setenv(audit.EnvPath, auditLog)
				t.Setenv(SecretEnv, secret)
				md, js, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "r.json"), filepath.Join(dir, "junit.xml")
				args := []string{"--instance", in.URL, "--client-id", hostile.ClientID, "--scope", "read update", "--call", "GET /api/domain/odata/Crm_Sales_Customers"}
				text := runArgs(t, context.Background(), "", append([]string{"check", "--report", md, "--junit", junit}, args...)...)
				jsonOut := runArgs(t, context.Background(), "", append([]string{"check", "--json", "--auth", "basic"}, args...)...)
				if text.code != exitFailed || jsonOut.code != exitFailed {
					t.Fatalf("%s: exit %d / %d, want %d\n%s%s", style.Name, text.code, jsonOut.code, exitFailed, text.stdout, text.stderr)
				}
				outs := append([]string{text.stdout, text.stderr, jsonOut.stdout, jsonOut.stderr}, readAll(md, js, junit, auditLog)...)
				if outs[4] == "" || outs[7] == "" {
					t.Fatalf("%s: no report or no audit log written", style.Name)
				}
				leak := style.Leak(secret, hostile.ClientID)
				for i, o := range outs {
					if strings.Contains(o, leak) {
						where := []string{"text", "stderr", "--json", "stderr", ".md", ".json", "JUnit", "audit log"}[i]
						leaked = append(leaked, style.Name+" in "+where+" ("+map[bool]string{true: "granted", false: "refused"}[grant]+", "+map[bool]string{true: "short", false: "long"}[len(secret) < 8]+")")
					}
				}
			}
		}
	}
	if len(leaked) > 0 {
		sort.Strings(leaked)
		t.Fatalf("the secret leaked %d times in %d runs:\n%s", len(leaked), cases, strings.Join(leaked, "\n"))
	}
}

// A discovery document naming a token endpoint on another host: the CLI fails,
// names both hosts, and the secret never reaches the other host. The same endpoint
// set by the user with --token-endpoint is used, with a warning in every output.
func TestCheckTokenEndpointOnAnotherHost(t *testing.T) {
	secret := "s3cret-for-the-authority-only"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	elsewhere := strings.Replace(th.URL, "127.0.0.1", "localhost", 1) + "/connect/token"
	in.Discovery = func(root string) map[string]any {
		d := hostile.DefaultDiscovery(root)
		d["token_endpoint"] = elsewhere
		return d
	}
	t.Setenv(SecretEnv, secret)
	args := []string{"check", "--instance", in.URL, "--client-id", hostile.ClientID}
	r := runArgs(t, context.Background(), "", args...)
	expect(t, r, exitFailed, []string{"FAIL  Discovery", "discovery.token_endpoint_foreign", "another host (localhost:", "than the authority (127.0.0.1:", "the secret was not sent there",
		"FAIL  Token", "gate.secret_foreign_host: The client secret was not sent to http://localhost:", "(http://127.0.0.1:"}, nil)
	if th.Requests() != 0 {
		t.Fatalf("the thief got %d requests", th.Requests())
	}

	in.Discovery = nil
	dir := testdir.New(t)
	md, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "j.xml")
	r = runArgs(t, context.Background(), "", append(args, "--token-endpoint", elsewhere, "--report", md, "--junit", junit)...)
	if got := th.Secrets(); len(got) != 1 {
		t.Fatalf("the user's own endpoint got %v", got)
	}
	warn := "discovery.token_endpoint_profile_foreign"
	expect(t, r, exitFailed, []string{"WARN  Discovery", warn, "which you set"}, nil)
	files := readAll(md, strings.TrimSuffix(md, ".md")+".json", junit)
	for i, name := range []string{"Markdown", "JSON", "JUnit"} {
		if !strings.Contains(files[i], warn) || !strings.Contains(files[i], "localhost:") {
			t.Errorf("the %s report does not carry the warning:\n%s", name, files[i])
		}
	}
	if !strings.Contains(files[0], "| Token endpoint | ") {
		t.Errorf("the Markdown profile table does not name the token endpoint:\n%s", files[0])
	}
}

// Certificate checks turned off are said loudly: in the text header, in the Markdown
// report's header and profile table, in the JSON profile, as a JUnit failure, and
// --strict fails the run.
func TestCheckInsecureSkipVerifyIsLoud(t *testing.T) {
	secret := "s3cret-over-unchecked-tls"
	in := hostile.NewTLS(t, secret)
	t.Setenv(SecretEnv, secret)
	dir := testdir.New(t)
	md, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "j.xml")
	args := []string{"check", "--instance", in.URL, "--client-id", hostile.ClientID, "--insecure-skip-verify", "--no-api"}
	r := runArgs(t, context.Background(), "", append(args, "--report", md, "--junit", junit)...)
	expect(t, r, exitOK, []string{"TLS verification was OFF", "WARN  Reachability", "net.tls_insecure"}, nil)
	if lines := strings.SplitN(r.stdout, "\n", 3); !strings.Contains(lines[1], "TLS verification was OFF") {
		t.Errorf("the warning is not in the header:\n%s", r.stdout)
	}
	files := readAll(md, strings.TrimSuffix(md, ".md")+".json", junit)
	header, _, _ := strings.Cut(files[0], "## Profile")
	_, profile, _ := strings.Cut(files[0], "## Profile")
	profile, _, _ = strings.Cut(profile, "## Summary")
	if !strings.Contains(header, "| TLS verification | OFF (insecure\\_skip\\_verify)") || !strings.Contains(profile, "| TLS verification | OFF (insecure\\_skip\\_verify)") {
		t.Errorf("the Markdown header and profile table do not say TLS verification was off:\n%s", files[0])
	}
	if !strings.Contains(files[1], `"insecure_skip_verify": true`) {
		t.Errorf("JSON profile: %s", files[1])
	}
	if !strings.Contains(files[2], `type="net.tls_insecure"`) || strings.Contains(files[2], `failures="0"`) {
		t.Errorf("JUnit does not fail on TLS verification off:\n%s", files[2])
	}
	r = runArgs(t, context.Background(), "", append(args, "--strict")...)
	expect(t, r, exitFailed, []string{"TLS verification was OFF"}, nil)
}

// forged reports what in out could fool a reader: raw escape and control characters,
// bidi overrides, zero-width characters, or a verdict line other than the run's own.
func forged(out, verdict string) []string {
	var bad []string
	for _, c := range []struct{ s, name string }{{"\x1b", "ESC"}, {"\r", "CR"}, {"\u202e", "RLO"}, {"\u200b", "ZWSP"}, {"\x07", "BEL"}} {
		if strings.Contains(out, c.s) {
			bad = append(bad, "raw "+c.name)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Verdict:") && strings.TrimSpace(l) != "Verdict: "+verdict {
			bad = append(bad, "forged line "+strconv.Quote(l))
		}
	}
	return bad
}

// Server text with terminal escapes, control characters and a forged verdict line, in
// the token error, the auto-discovery status, an OData message and the token's claims:
// the text report and the Markdown report show it escaped, visibly, and no line but
// the run's own says "Verdict:".
func TestCheckServerTextCannotForgeOutput(t *testing.T) {
	secret := "s3cret-ansi-test"
	for _, grant := range []bool{false, true} {
		in := hostile.New(t, secret)
		hostile.Echo(in, hostile.Forge, grant)
		if grant {
			in.Claims = func(c map[string]any) {
				c["client_system_user"] = hostile.Forge
				c["client_db"] = hostile.Forge
				c["echo"] = hostile.Forge
			}
		}
		t.Setenv(SecretEnv, secret)
		md := filepath.Join(testdir.New(t), "r.md")
		r := runArgs(t, context.Background(), "", "check", "--instance", in.URL, "--client-id", hostile.ClientID, "--report", md,
			"--call", "GET /api/domain/odata/Crm_Sales_Customers")
		if r.code != exitFailed {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		files := readAll(md)
		for name, out := range map[string]string{"text": r.stdout, "stderr": r.stderr, "Markdown": files[0]} {
			if bad := forged(out, "FAIL"); len(bad) > 0 {
				t.Errorf("grant=%v %s: %v\n%s", grant, name, bad, out)
			}
		}
		if !strings.Contains(r.stdout, `\x1b[2K`) || !strings.Contains(files[0], `\x1b\[2K`) && !strings.Contains(files[0], `\x1b[2K`) {
			t.Errorf("grant=%v: the escapes are not shown visibly:\n%s", grant, r.stdout)
		}
	}
}

// The progress line (stderr on a terminal) and the record checklist show server text
// escaped as well.
func TestProgressAndRecordCannotBeForged(t *testing.T) {
	var b strings.Builder
	newProgress(&b, "prod").step(check.Step{Name: "Token", Verdict: check.Fail, Summary: "No token: " + hostile.Forge})
	if bad := forged(b.String(), "FAIL"); len(bad) > 0 || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("progress line: %v %q", bad, b.String())
	}

	secret := "s3cret-record-ansi"
	in := hostile.New(t, secret)
	in.Claims = func(c map[string]any) { c["client_system_user"] = hostile.Forge }
	in.API = func(w http.ResponseWriter, r *http.Request) {
		hostile.WriteJSON(w, 200, map[string]any{"value": []any{map[string]any{
			"ApplicationUri": hostile.ClientID, "Name": hostile.Forge, "ClientType": hostile.Forge, "Scope": hostile.Forge,
			"IsEnabled": true, "SystemUserAllowed": true, "SystemUser": map[string]any{"Login": hostile.Forge},
		}}})
	}
	t.Setenv(SecretEnv, secret)
	r := runArgs(t, context.Background(), "", "record", "--instance", in.URL, "--client-id", hostile.ClientID)
	if r.code != exitFailed || !strings.Contains(r.stdout, `\x1b[2K`) {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if bad := forged(r.stdout+r.stderr, "FAIL"); len(bad) > 0 {
		t.Errorf("record: %v\n%s", bad, r.stdout)
	}
}

// Behind HTTPS_PROXY, an instance whose certificate names another host is reported as
// a hostname mismatch of the instance, not as a proxy problem; an unreachable proxy is
// named by its address.
func TestCheckTLSErrorBehindAProxy(t *testing.T) {
	in := hostile.NewTLSFor(t, "s3cret-behind-proxy", "other.example.com")
	px := hostile.NewProxy(t)
	px.Target = in.Addr()
	_, port, _ := strings.Cut(in.Addr(), ":")
	t.Setenv("HTTPS_PROXY", px.URL)
	t.Setenv("https_proxy", px.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	t.Setenv(SecretEnv, "s3cret-behind-proxy")
	r := runArgs(t, context.Background(), "", "check", "--instance", "https://erp.example.test:"+port, "--client-id", hostile.ClientID, "--ca-file", in.CAFile())
	expect(t, r, exitFailed, []string{"net.tls_hostname_mismatch"}, nil)
	if strings.Contains(r.stdout, "net.proxy") || px.Tunnels() == 0 {
		t.Errorf("blamed on the proxy (%d tunnels):\n%s", px.Tunnels(), r.stdout)
	}

	r = runArgs(t, context.Background(), "", "check", "--instance", "https://erp.example.test", "--client-id", hostile.ClientID, "--proxy", "http://127.0.0.1:1")
	expect(t, r, exitFailed, []string{"net.proxy", "The proxy 127.0.0.1:1 could not be reached"}, nil)
	if strings.Contains(r.stdout, "(proxy)") {
		t.Errorf("the proxy is not named:\n%s", r.stdout)
	}
}

// Answers larger than the 1 MiB capture limit: the finding names the limit (never
// "unexpected end of JSON input"), and signing keys that could not be read because of
// it leave the signature unverified, which fails the run.
func TestCheckOversizeAnswersNameTheCap(t *testing.T) {
	secret := "s3cret-oversize"
	t.Setenv(SecretEnv, secret)

	in := hostile.New(t, secret)
	in.Token = hostile.Oversize(`{"access_token":"`, 2<<20)
	r := runArgs(t, context.Background(), "", "check", "--instance", in.URL, "--client-id", hostile.ClientID, "--no-api")
	expect(t, r, exitFailed, []string{"FAIL  Token", "1 MiB capture limit (1048576 bytes)"}, nil)
	if strings.Contains(r.stdout, "unexpected end of JSON input") {
		t.Errorf("the cap is not named:\n%s", r.stdout)
	}

	in = hostile.New(t, secret)
	in.JWKS = hostile.Oversize(`{"keys":[],"pad":"`, 2<<20)
	r = runArgs(t, context.Background(), "", "check", "--instance", in.URL, "--client-id", hostile.ClientID, "--no-api")
	expect(t, r, exitFailed, []string{"1 MiB capture limit (1048576 bytes)", "FAIL  Inspect token", "token.not_verified", "Signature: not_checked", "Verdict: FAIL"}, nil)
}

// Reports are written like exports: readable and writable by their owner only.
func TestReportsAreWrittenPrivately(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	in := hostile.New(t, "s3cret-report-mode")
	t.Setenv(SecretEnv, "s3cret-report-mode")
	dir := testdir.New(t)
	md, junit := filepath.Join(dir, "r.md"), filepath.Join(dir, "j.xml")
	r := runArgs(t, context.Background(), "", "check", "--instance", in.URL, "--client-id", hostile.ClientID, "--no-api", "--report", md, "--junit", junit)
	expect(t, r, exitOK, nil, []string{"Saved the diagnostics report"})
	for _, p := range []string{md, filepath.Join(dir, "r.json"), junit} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %o, want 600", filepath.Base(p), st.Mode().Perm())
		}
	}
}
