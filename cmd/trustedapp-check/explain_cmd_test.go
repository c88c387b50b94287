package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/tokenview/tokentest"
)

func TestExplainCommand(t *testing.T) {
	const secret = "Pasted-Secret-9f8e7d"
	in := "POST https://acme.my.erp.net/id/connect/token client_secret=" + secret + "\nHTTP/1.1 400 Bad Request\n\n" +
		`{"error":"invalid_scope","error_description":"Invalid scope: update"}`
	r := runArgs(t, context.Background(), in, "explain")
	expect(t, r, exitOK, []string{"The text (1 credential removed):", "client_secret=[redacted]", "Read as: an OAuth error from the token endpoint (invalid_scope)",
		"FAIL token.invalid_scope", "Scope", "Fix:", "Docs: https://docs.erp.net/"}, nil)
	noLeak(t, secret, r.stdout, r.stderr)

	r = runArgs(t, context.Background(), in, "explain", "--json")
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || r.code != exitOK {
		t.Fatalf("json: %v (exit %d)\n%s", err, r.code, r.stdout)
	}
	for _, k := range []string{"recognised", "kind", "read_as", "text", "redactions", "findings"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, r.stdout)
		}
	}
	f := raw["findings"].([]any)[0].(map[string]any)
	if raw["kind"] != "oauth_error" || f["code"] != "token.invalid_scope" || f["evidence"].(map[string]any)["scope"] != "update" || f["explanation"] == nil {
		t.Errorf("JSON %s", r.stdout)
	}
	noLeak(t, secret, r.stdout)

	r = runArgs(t, context.Background(), "it just does not work", "explain")
	expect(t, r, exitFailed, []string{"Read as: not recognised", "The three most likely things to check:", "1. The Trusted App accepts the credentials", "3. The scopes fit"}, nil)

	r = runArgs(t, context.Background(), "  \n", "explain")
	expect(t, r, exitUsage, nil, []string{"stdin was empty"})
	r = runArgs(t, context.Background(), "x", "explain", `{"error":"invalid_client"}`)
	expect(t, r, exitUsage, nil, []string{"pipe the text in on stdin"})
	r = runArgs(t, context.Background(), "", "explain", "--help")
	expect(t, r, exitOK, []string{"WWW-Authenticate", "IDX10223", "Exit codes"}, nil)
	if !strings.Contains(r.stdout, "not recognised") {
		t.Error("help does not say what happens to unknown text")
	}
}

// A customer's log file (CRLF line ends, a timestamp and level on every line) whose
// writer wrapped a real token over several lines: the explain command, run as its own
// process with the file on stdin, removes the whole token, counts it once and says a
// token was there; no piece of it reaches the text or the JSON.
func TestExplainWrappedTokenFromALogFile(t *testing.T) {
	key := tokentest.NewRSA("5B27920E653DD7AC67D2F64B32A17992")
	tok := key.Sign(tokentest.ERPNetClaims("https://acme.my.erp.net/id", time.Now().Unix()))
	var log strings.Builder
	line := "2026-12-06 10:00:01.123 DEBUG "
	rest := "GET /api/domain/odata/Crm_Sales_Customers Authorization: Bearer " + tok
	for len(rest) > 0 {
		n := min(len(rest), 100)
		log.WriteString(line + rest[:n] + "\r\n")
		rest = rest[n:]
	}
	log.WriteString("2026-12-06 10:00:01.301 ERROR HTTP/1.1 401 Unauthorized\r\n")
	log.WriteString(`2026-12-06 10:00:01.302 ERROR WWW-Authenticate: Bearer error="invalid_token", error_description="The token expired at '12/06/2026 09:59:00'"` + "\r\n")
	file := filepath.Join(testdir.New(t), "customer.log")
	if err := os.WriteFile(file, []byte(log.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"explain"}, {"explain", "--json"}} {
		cmd := childCommand(t, "cli", args, nil)
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = f
		r, err := runChild(cmd)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out := r.stdout + r.stderr
		sig := tok[strings.LastIndex(tok, ".")+1:]
		for i := 0; i+8 <= len(sig); i++ {
			if strings.Contains(out, sig[i:i+8]) {
				t.Fatalf("%v: a piece of the token's signature (%q) is in the output:\n%s", args, sig[i:i+8], out)
			}
		}
		for _, want := range []string{"held an access token", "api.token_expired"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: the output does not say %q:\n%s", args, want, out)
			}
		}
		if args[len(args)-1] != "--json" && !strings.Contains(out, "(1 credential removed)") {
			t.Errorf("the token is not counted once:\n%s", out)
		}
	}
}
