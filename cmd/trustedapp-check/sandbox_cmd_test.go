package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/sandbox"
)

// lockedBuffer is a goroutine-safe stderr sink.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runServing starts `sandbox args...` in the background; it returns a reader of its
// stdout, its stderr, a stop function and the exit code channel.
func runServing(t *testing.T, args ...string) (*bufio.Reader, *lockedBuffer, context.CancelFunc, <-chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		c := run(env{ctx: ctx, args: append([]string{"sandbox"}, args...), stdin: strings.NewReader(""), stdout: pw, stderr: stderr})
		pw.Close()
		code <- c
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		go io.Copy(io.Discard, pr)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("sandbox command did not stop after its context was cancelled")
		}
	})
	return bufio.NewReader(pr), stderr, cancel, code
}

// readScenarios reads the --json line of a serving sandbox command.
func readScenarios(t *testing.T, out *bufio.Reader, stderr fmt.Stringer) ([]sandbox.Scenario, []byte) {
	t.Helper()
	line, err := out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("reading the JSON line: %v (stderr: %s)", err, stderr.String())
	}
	var scs []sandbox.Scenario
	if err := json.Unmarshal(line, &scs); err != nil {
		t.Fatalf("stdout is not one JSON array: %v\n%s", err, line)
	}
	return scs, line
}

func TestSandboxJSONThenServes(t *testing.T) {
	out, stderr, cancel, code := runServing(t, "--json", "--token-lifetime", "45s")
	scs, line := readScenarios(t, out, stderr)
	var raw []map[string]any
	json.Unmarshal(line, &raw)
	for _, k := range []string{"name", "description", "expect", "instance", "authority", "client_id", "client_secret", "system_user", "scope"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("scenario JSON lacks %q", k)
		}
	}
	if len(scs) < 14 || scs[0].Name != "healthy" {
		t.Fatalf("%d scenarios, first %q", len(scs), scs[0].Name)
	}
	// The printed values work against the running server, with the flag's lifetime.
	h := scs[0]
	resp, err := http.PostForm(h.Authority+"/connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {h.ClientID}, "client_secret": {h.ClientSecret}, "scope": {h.Scope}})
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if resp.StatusCode != 200 || tr["expires_in"] != float64(45) {
		t.Fatalf("token: %d %v", resp.StatusCode, tr["expires_in"])
	}
	cancel()
	if c := <-code; c != exitOK {
		t.Fatalf("exit %d after cancel, want 0; stderr: %s", c, stderr.String())
	}
	errText := stderr.String()
	if !strings.Contains(errText, "sandbox stopped") || !strings.Contains(errText, "POST /id/connect/token 200 client_id="+h.ClientID) {
		t.Errorf("stderr: %s", errText)
	}
	if strings.Contains(errText, h.ClientSecret) || strings.Contains(errText, tr["access_token"].(string)) {
		t.Error("stderr contains a secret or the token")
	}
	if _, err := http.Get(h.Instance + "/tools/ver"); err == nil {
		t.Error("server still answers after stop")
	}
}

func TestSandboxTextAndTLS(t *testing.T) {
	out, _, cancel, code := runServing(t, "--tls", "--quiet")
	var text strings.Builder
	for {
		l, err := out.ReadString('\n')
		text.WriteString(l)
		if err != nil || strings.HasPrefix(l, "Ctrl-C stops") {
			break
		}
	}
	s := text.String()
	for _, want := range []string{"instance   https://127.0.0.1:", "TLS CA     ", "healthy: A correctly set-up", "client_secret  sandbox-healthy-secret",
		"read-only-write:", "calls          GET /api/domain/odata/Crm_Sales_Customers?$top=5", "PATCH /api/domain/odata/Crm_Sales_Customers(", "expect         token.invalid_scope", "Try it:\n  curl", " -s --cacert "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	var ca, instance string
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "TLS" {
			ca = f[2]
		}
		if f := strings.Fields(l); len(f) == 2 && f[0] == "instance" && instance == "" {
			instance = f[1]
		}
	}
	pemBytes, err := os.ReadFile(ca)
	if err != nil {
		t.Fatalf("CA file %q: %v", ca, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(instance + "/tools/ver")
	if err != nil {
		t.Fatalf("https with the printed CA: %v", err)
	}
	resp.Body.Close()
	cancel()
	if got := <-code; got != exitOK {
		t.Errorf("exit %d", got)
	}
	if _, err := os.Stat(ca); !os.IsNotExist(err) {
		t.Errorf("CA file remains after stop: %v", err)
	}
}

func TestSandboxConfigFileApps(t *testing.T) {
	path := filepath.Join(testdir.New(t), "apps.json")
	os.WriteFile(path, []byte(`{"TrustedApplications":[{"ApplicationUri":"com.acme/ci","ApplicationSecretHash":"`+sandbox.HashSecret("DEMO")+
		`","SystemUserAllowed":true,"SystemUser":{"Login":"ci"},"Scope":"read"}]}`), 0o600)
	out, _, _, _ := runServing(t, "--config", path, "--quiet")
	var text strings.Builder
	for {
		l, err := out.ReadString('\n')
		text.WriteString(l)
		if err != nil || strings.HasPrefix(l, "Ctrl-C stops") {
			break
		}
	}
	if !strings.Contains(text.String(), "Trusted Apps from --config") || !strings.Contains(text.String(), "com.acme/ci") {
		t.Fatalf("config apps not listed:\n%s", text.String())
	}
}

func TestSandboxUsageAndConfigErrors(t *testing.T) {
	dir := testdir.New(t)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"TrustedApplications":[{"ApplicationUri":"a","ClientType":"Weird"}]}`), 0o600)
	secret := filepath.Join(dir, "secret.json")
	os.WriteFile(secret, []byte(`{"TrustedApplications":[{"ApplicationUri":"a","ClientSecret":"hunter2"}]}`), 0o600)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"help", []string{"--help"}, exitOK, "\"TrustedApplications\": [{", ""},
		{"unknown flag", []string{"--port", "1"}, exitUsage, "", "flag provided but not defined: -port"},
		{"bad lifetime", []string{"--token-lifetime", "soon"}, exitUsage, "", `--token-lifetime "soon" is not a duration`},
		{"bad licence slots", []string{"--licence-slots", "-2"}, exitUsage, "", "--licence-slots -2: use a number from 1 to 10000"},
		{"stray argument", []string{"extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"missing config", []string{"--config", filepath.Join(dir, "nope.json")}, exitEnvironment, "", "nope.json"},
		{"invalid config", []string{"--config", bad}, exitEnvironment, "", `ClientType "Weird" is not valid: use Confidential, Public or None`},
		{"secret in config", []string{"--config", secret}, exitEnvironment, "", "a secret does not belong in a file"},
		{"address in use", []string{"--addr", "127.0.0.1:1"}, exitEnvironment, "", "cannot listen on 127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "address in use" && (os.Geteuid() == 0 || runtime.GOOS == "windows") {
				// root (and anyone on Windows) may bind port 1; use a port that is really taken instead.
				srv, err := sandbox.Start(sandbox.Config{NoScenarios: true})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				taken := strings.TrimPrefix(srv.URL(), "http://")
				tc.args = []string{"--addr", taken}
				tc.wantErr = "cannot listen on " + taken
			}
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a command that got past its checks stops at once
			c := run(env{ctx: ctx, args: append([]string{"sandbox"}, tc.args...), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr})
			if c != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", c, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantOut) || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stdout %q\nstderr %q\nwant %q / %q", stdout.String(), stderr.String(), tc.wantOut, tc.wantErr)
			}
			if strings.Contains(stderr.String(), "hunter2") {
				t.Error("the secret from the file was echoed")
			}
		})
	}
}

// TestSandboxLicenceSlotsFlag: with --licence-slots 1 a second token's first API call
// finds the only slot taken by the first token's session.
func TestSandboxLicenceSlotsFlag(t *testing.T) {
	out, stderr, cancel, code := runServing(t, "--json", "--licence-slots", "1")
	scs, _ := readScenarios(t, out, stderr)
	h := scs[0]
	token := func() string {
		resp, err := http.PostForm(h.Authority+"/connect/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {h.ClientID}, "client_secret": {h.ClientSecret}, "scope": {h.Scope}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tr map[string]any
		json.NewDecoder(resp.Body).Decode(&tr)
		return tr["access_token"].(string)
	}
	status := func(tok string) (int, string) {
		req, _ := http.NewRequest("GET", h.Instance+"/api/domain/odata/Crm_Sales_Customers?$top=1", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	first, second := token(), token()
	if st, body := status(first); st != 200 {
		t.Fatalf("first: %d %s", st, body)
	}
	if st, body := status(second); st != 500 || !strings.Contains(body, "MaximumLicenseCountExceeded") {
		t.Errorf("second: %d %s", st, body)
	}
	cancel()
	<-code
}

// --tableapi-addr serves the Table API as a site of its own, under the host name
// given, and auto-discovery lists it there.
func TestSandboxTableAPISite(t *testing.T) {
	out, stderr, cancel, code := runServing(t, "--json", "--quiet", "--tableapi-addr", "localhost:0")
	scs, _ := readScenarios(t, out, stderr)
	resp, err := http.Get(scs[0].Instance + "/tools/auto-discovery")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ WebSites []struct{ Type, Url string } }
	json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	site := ""
	for _, s := range doc.WebSites {
		if s.Type == "TableAPI" {
			site = s.Url
		}
	}
	if !strings.HasPrefix(site, "http://localhost:") {
		t.Errorf("the TableAPI site is %q", site)
	}
	cancel()
	if c := <-code; c != exitOK {
		t.Fatalf("exit %d", c)
	}
}
